package dev.perch.chat;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The usage of one finished OpenCode assistant message, in the shape of a usage record. No prompt or
 * response text, ever.
 *
 * @param dedupeKey {@code opencode:<message id>}: the same message is never counted twice
 * @param occurredAt when the message completed (UTC)
 * @param cost as OpenCode reported it (USD), null when it reported none
 * @param latencyMs from the message's creation to its completion
 * @param errorCode OpenCode's error name when the message failed ({@code MessageAbortedError}, {@code APIError}, …)
 */
public record TurnUsage(String dedupeKey, Instant occurredAt, String workspace, String agent, String sessionId,
		String messageId, @Nullable String model, @Nullable String provider, long inputTokens, long outputTokens,
		long reasoningTokens, long cacheReadTokens, long cacheWriteTokens, @Nullable Double cost, long latencyMs,
		@Nullable String errorCode) {
}
