package dev.perch.config;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;

/** A value set through the API, as JSON text. */
record StoredSetting(@Id String settingKey, String settingValue, Instant updatedAt, @Version @Nullable Long version) {
}
