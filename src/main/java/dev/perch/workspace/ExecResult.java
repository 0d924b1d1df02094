package dev.perch.workspace;

/** What a command printed and how it ended; {@code *Truncated} says the output was cut at the cap. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean stdoutTruncated,
		boolean stderrTruncated, long durationMs) {
}
