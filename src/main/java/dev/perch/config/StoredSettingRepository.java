package dev.perch.config;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

interface StoredSettingRepository extends ReactiveCrudRepository<StoredSetting, String> {
}
