package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What an exec printed, each of stdout and stderr kept up to a cap; the rest is read (so the process
 * never blocks on a full pipe) and dropped, and the stream is marked truncated. One per exec, not shared.
 */
final class CappedOutput {

	private final int cap;

	private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

	private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

	private boolean stdoutTruncated;

	private boolean stderrTruncated;

	CappedOutput(int cap) {
		this.cap = cap;
	}

	void add(StreamFrames.Frame frame) {
		boolean error = frame.stream() == StreamFrames.STDERR;
		ByteArrayOutputStream kept = error ? stderr : stdout;
		int room = Math.max(0, cap - kept.size());
		byte[] payload = frame.payload();
		kept.write(payload, 0, Math.min(room, payload.length));
		if (payload.length > room) {
			if (error) {
				stderrTruncated = true;
			}
			else {
				stdoutTruncated = true;
			}
		}
	}

	String stdout() {
		return stdout.toString(StandardCharsets.UTF_8);
	}

	String stderr() {
		return stderr.toString(StandardCharsets.UTF_8);
	}

	boolean stdoutTruncated() {
		return stdoutTruncated;
	}

	boolean stderrTruncated() {
		return stderrTruncated;
	}

}
