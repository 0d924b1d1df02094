package dev.perch.session;

import org.jspecify.annotations.Nullable;

/**
 * Tokens of one message as the agent recorded them. {@code input} never includes cached input
 * (Codex counts are converted); {@code reasoning} is already part of {@code output}.
 */
public record MessageUsage(long input, long output, long cacheRead, long cacheWrite, long reasoning,
		@Nullable Double cost) {
}
