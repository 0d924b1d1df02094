package dev.perch.session.internal;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** What a reader found in a session's source, for the index. */
public record SessionSummary(SessionSource source, @Nullable String title, @Nullable String firstPrompt,
		@Nullable String projectDirectory, int messageCount, List<String> models, @Nullable Instant createdAt,
		@Nullable Instant updatedAt, int parseErrors) {
}
