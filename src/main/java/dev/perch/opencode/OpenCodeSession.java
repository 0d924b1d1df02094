package dev.perch.opencode;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An OpenCode session as its server knows it.
 *
 * @param directory the project directory it belongs to: its turns' events are published there
 */
public record OpenCodeSession(String id, String directory, @Nullable String title, @Nullable Instant createdAt) {
}
