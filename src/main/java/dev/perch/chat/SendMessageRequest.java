package dev.perch.chat;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A message to send to a session.
 *
 * @param model {@code provider/model}; the session's or OpenCode's default when absent
 * @param agent an OpenCode agent ({@code build}, {@code plan}, …); OpenCode's default when absent
 */
record SendMessageRequest(@NotBlank @Size(max = 200_000) String text,
		@Nullable @Size(max = 200) @Pattern(regexp = "[^/\\s]+/[^\\s]+") String model,
		@Nullable @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_-]+") String agent) {
}
