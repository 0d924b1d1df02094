package dev.perch.usage.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** Which records a list or export wants: {@code from} inclusive, {@code to} exclusive, exact-match fields. */
public record RecordFilter(@Nullable Instant from, @Nullable Instant to, @Nullable String workspace,
		@Nullable String agent, @Nullable String model, @Nullable String sessionId) {
}
