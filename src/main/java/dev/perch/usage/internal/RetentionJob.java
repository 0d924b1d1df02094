package dev.perch.usage.internal;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.perch.shared.settings.Settings;
import dev.perch.usage.UsageProperties;
import reactor.core.publisher.Mono;

/**
 * Deletes usage records older than the retention setting, in batches of short statements so ingest
 * (which only inserts new rows) never waits behind it.
 */
@Component
public class RetentionJob {

	private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

	private final UsageRecordStore store;

	private final Settings settings;

	private final UsageSettings usageSettings;

	private final UsageProperties properties;

	private final Clock clock;

	public RetentionJob(UsageRecordStore store, Settings settings, UsageSettings usageSettings,
			UsageProperties properties, Clock clock) {
		this.store = store;
		this.settings = settings;
		this.usageSettings = usageSettings;
		this.properties = properties;
		this.clock = clock;
	}

	@Scheduled(initialDelayString = "${perch.usage.retention-check:1h}", fixedDelayString = "${perch.usage.retention-check:1h}")
	public Mono<Long> purge() {
		return settings.get(usageSettings.retention)
			.flatMap(retention -> store.deleteBefore(clock.instant().minus(retention), properties.retentionBatchSize()))
			.doOnNext(deleted -> {
				if (deleted > 0) {
					log.info("Deleted {} usage records past retention", deleted);
				}
			})
			.onErrorResume(error -> {
				log.warn("Usage retention failed; it runs again at the next check: {}", error.toString());
				return Mono.empty();
			});
	}

}
