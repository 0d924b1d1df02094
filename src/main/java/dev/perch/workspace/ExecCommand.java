package dev.perch.workspace;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A command to run in a workspace.
 *
 * @param argv the program and its arguments, never interpreted by a shell
 * @param workingDirectory relative to the home directory; the home when absent
 * @param env extra environment variables
 * @param timeout after this the command is killed and the call fails with a 504 problem
 * @param maxOutputBytes each of stdout and stderr is cut after this many bytes
 */
public record ExecCommand(List<String> argv, @Nullable String workingDirectory, Map<String, String> env,
		Duration timeout, int maxOutputBytes) {
}
