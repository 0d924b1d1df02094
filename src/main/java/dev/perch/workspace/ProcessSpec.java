package dev.perch.workspace;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A long-running process to start in a workspace (an {@code opencode serve}, say), detached from any request.
 *
 * @param argv program and arguments, never interpreted by a shell
 * @param workingDirectory relative to the home directory; the home when absent
 * @param env extra environment variables (on top of the workspace's own and {@code HOME})
 * @param logFile where stdout and stderr go, relative to the home directory
 */
public record ProcessSpec(List<String> argv, @Nullable String workingDirectory, Map<String, String> env,
		String logFile) {
}
