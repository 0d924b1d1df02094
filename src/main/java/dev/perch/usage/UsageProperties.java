package dev.perch.usage;

import java.time.Duration;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Usage records.
 *
 * @param retention records older than this are deleted (runtime setting {@code usage.retention})
 * @param timeZone the zone of summaries that name none (runtime setting {@code usage.time-zone})
 * @param retentionCheck how often the retention job runs
 * @param retentionBatchSize rows deleted per statement, so a purge never holds long locks
 * @param maxBatchRecords the most records one ingest request may carry
 * @param pricingFile the shipped price table
 * @param collect collection of usage from agent files
 */
@ConfigurationProperties("perch.usage")
@Validated
public record UsageProperties(@DefaultValue("90d") Duration retention, @DefaultValue("UTC") ZoneId timeZone,
		@DefaultValue("1h") Duration retentionCheck, @DefaultValue("5000") @Min(1) @Max(100_000) int retentionBatchSize,
		@DefaultValue("10000") @Min(1) @Max(1_000_000) int maxBatchRecords,
		@DefaultValue("classpath:pricing/prices.json") String pricingFile, @DefaultValue Collect collect) {

	/**
	 * @param enabled read every workspace's agent files for usage (opt-in)
	 * @param interval how often collection runs when enabled
	 */
	public record Collect(@DefaultValue("false") boolean enabled, @DefaultValue("5m") Duration interval) {
	}

}
