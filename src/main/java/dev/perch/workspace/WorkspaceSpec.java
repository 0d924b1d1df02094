package dev.perch.workspace;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a runtime needs to know of a workspace.
 *
 * @param name the workspace name (a DNS label)
 * @param image the container image, for runtimes that use one
 * @param env environment variables for every process in the workspace
 * @param home the home directory on the host, where the workspace's agents write their sessions
 * @param ports the port forwards
 * @param runtimeId the runtime's own id (the container id), once created
 */
public record WorkspaceSpec(String name, @Nullable String image, Map<String, String> env, Path home,
		List<PortForward> ports, @Nullable String runtimeId) {

	public WorkspaceSpec withRuntimeId(@Nullable String id) {
		return new WorkspaceSpec(name, image, env, home, ports, id);
	}

}
