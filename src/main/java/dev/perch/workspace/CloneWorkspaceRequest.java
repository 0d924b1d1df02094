package dev.perch.workspace;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The name of the copy. */
public record CloneWorkspaceRequest(
		@NotNull @Pattern(regexp = WorkspaceNames.PATTERN, message = "must be a DNS label: lower-case letters, digits and inner hyphens, 1 to 63 characters") String name) {
}
