package dev.perch.usage.web;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.perch.usage.internal.UsageRecord;

/** A stored usage record as the API shows it; {@code cost} is {@code null} for an unpriced model. */
record UsageRecordResponse(long id, String key, Instant occurredAt, String workspace, String agent, String model,
		@Nullable String provider, @Nullable String sessionId, long input, long output, long cacheRead,
		long cacheWrite5m, long cacheWrite1h, long reasoning, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable BigDecimal cost,
		@Nullable String costSource, @Nullable Long latencyMs, @Nullable String error, String source,
		Instant recordedAt) {

	static UsageRecordResponse of(UsageRecord record) {
		var tokens = record.tokens();
		return new UsageRecordResponse(record.id() == null ? 0 : record.id(), record.key(), record.occurredAt(),
				record.workspace(), record.agent(), record.model(), record.provider(), record.sessionId(),
				tokens.input(), tokens.output(), tokens.cacheRead(), tokens.cacheWrite5m(), tokens.cacheWrite1h(),
				tokens.reasoning(), record.cost(), record.costSource(), record.latencyMs(), record.errorCode(),
				record.source(), record.recordedAt());
	}

}
