package dev.perch.workspace;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A workspace as the API shows it. {@code env} lists variable names only: values may be secrets.
 *
 * @param home the host directory that is the workspace's home, where its agents write their sessions
 * @param homeInside the same directory as processes inside the workspace see it
 */
public record WorkspaceResponse(String name, String runtime, @Nullable String image, WorkspaceStatus status,
		@Nullable String repository, List<String> env, List<PortForward> ports, String home, String homeInside,
		Instant createdAt, Instant lastUsedAt) {
}
