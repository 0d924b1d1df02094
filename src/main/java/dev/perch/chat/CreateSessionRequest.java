package dev.perch.chat;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A new OpenCode session.
 *
 * @param model {@code provider/model}, used for the session's messages that name none
 */
record CreateSessionRequest(@Nullable @Size(max = 500) String title,
		@Nullable @Size(max = 200) @Pattern(regexp = "[^/\\s]+/[^\\s]+") String model) {
}
