package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One model request to record. Never carries prompt or response text.
 *
 * @param key idempotency key, unique across every source (e.g. {@code claude:<message.id>:<requestId>})
 * @param occurredAt when the request happened
 * @param workspace the workspace it ran in
 * @param agent {@code opencode}, {@code claude}, {@code codex}, …
 * @param model the model id as the provider names it
 * @param provider the provider id, when known
 * @param sessionId the agent session, when known
 * @param tokens the token counts
 * @param cost the cost in USD as the agent reported it; {@code null} to have Perch price it
 * @param latencyMs how long the request took
 * @param error an error code when the request failed
 */
public record UsageRecordRequest(String key, Instant occurredAt, String workspace, String agent, String model,
		@Nullable String provider, @Nullable String sessionId, Tokens tokens, @Nullable BigDecimal cost,
		@Nullable Long latencyMs, @Nullable String error) {
}
