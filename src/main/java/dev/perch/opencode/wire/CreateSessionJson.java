package dev.perch.opencode.wire;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of {@code POST /session}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateSessionJson(@Nullable String title) {
}
