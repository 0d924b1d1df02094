package dev.perch.session.web;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Sets the session's name in Perch; null or blank clears it. */
public record RenameRequest(@Nullable @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*",
		message = "must not contain control characters") String name) {
}
