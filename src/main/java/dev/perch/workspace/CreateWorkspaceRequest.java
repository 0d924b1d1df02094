package dev.perch.workspace;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A new workspace.
 *
 * @param name a DNS label: lower-case letters, digits and inner hyphens, at most 63 characters
 * @param runtime {@code local} or {@code docker}; the configured default when absent
 * @param image the container image (docker only); the configured default when absent
 * @param repository a git URL to clone into the home directory
 * @param env environment variables of every process in the workspace
 * @param ports port forwards
 */
public record CreateWorkspaceRequest(
		@NotNull @Pattern(regexp = WorkspaceNames.PATTERN, message = "must be a DNS label: lower-case letters, digits and inner hyphens, 1 to 63 characters") String name,
		@Nullable @Pattern(regexp = "local|docker", message = "must be local or docker") String runtime,
		@Nullable @Size(max = 255) @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9._/:@-]*", message = "must be an image reference such as debian:12") String image,
		@Nullable @Size(max = 2048) String repository,
		@Nullable @Size(max = 200) Map<@Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}", message = "must be an environment variable name") String, @NotNull @Size(max = 32768) String> env,
		@Nullable @Size(max = 100) List<@Valid @NotNull PortForward> ports) {
}
