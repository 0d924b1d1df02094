package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns frames into lines, keeping stdout and stderr apart so that a line one stream writes in pieces is
 * not mixed with the other's. Bytes are decoded as UTF-8 only once a line is whole; a trailing
 * {@code \r} is dropped. One per stream, not shared.
 */
final class FrameLines {

	private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

	private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

	List<String> feed(StreamFrames.Frame frame) {
		ByteArrayOutputStream partial = frame.stream() == StreamFrames.STDERR ? stderr : stdout;
		List<String> lines = new ArrayList<>();
		for (byte b : frame.payload()) {
			if (b == '\n') {
				lines.add(line(partial));
			}
			else {
				partial.write(b);
			}
		}
		return lines;
	}

	/** What is left without a final newline when the stream ends. */
	List<String> rest() {
		List<String> lines = new ArrayList<>();
		if (stdout.size() > 0) {
			lines.add(line(stdout));
		}
		if (stderr.size() > 0) {
			lines.add(line(stderr));
		}
		return lines;
	}

	private static String line(ByteArrayOutputStream partial) {
		String text = partial.toString(StandardCharsets.UTF_8);
		partial.reset();
		return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
	}

}
