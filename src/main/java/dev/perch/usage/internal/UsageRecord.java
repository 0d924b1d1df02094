package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.perch.usage.Tokens;

/**
 * A stored usage record: no prompt or response text, ever.
 *
 * @param cost in USD; {@code null} when the model is unpriced and no cost was reported
 * @param costSource {@code reported}, {@code calculated}, or {@code null} with a null cost
 * @param source who wrote it: {@code api}, {@code opencode}, {@code collector:claude}, …
 */
public record UsageRecord(@Nullable Long id, String key, Instant occurredAt, String workspace, String agent,
		String model, @Nullable String provider, @Nullable String sessionId, Tokens tokens, @Nullable BigDecimal cost,
		@Nullable String costSource, @Nullable Long latencyMs, @Nullable String errorCode, String source,
		Instant recordedAt) {
}
