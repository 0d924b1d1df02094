package dev.perch.chat;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** A session created through Perch. */
record SessionResponse(String agent, String id, String workspace, String directory, @Nullable String title,
		@Nullable String model, @Nullable Instant createdAt) {
}
