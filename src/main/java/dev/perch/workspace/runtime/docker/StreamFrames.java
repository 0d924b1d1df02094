package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the engine's multiplexed stream of a container without a TTY (logs, attached exec): frames of
 * an 8-byte header ({@code [stream, 0, 0, 0, size as 4 bytes big-endian]}) and {@code size} bytes of
 * payload, where stream 1 is stdout and 2 is stderr. Chunks from the network split frames anywhere, so
 * the decoder keeps what it has not used yet; one decoder per stream, not shared.
 */
final class StreamFrames {

	static final int STDOUT = 1;

	static final int STDERR = 2;

	private static final int HEADER = 8;

	private byte[] pending = new byte[0];

	/** A piece of output of one stream. */
	record Frame(int stream, byte[] payload) {
	}

	/** The whole frames the bytes received so far complete. */
	List<Frame> feed(byte[] chunk) {
		byte[] data = pending.length == 0 ? chunk : concat(pending, chunk);
		List<Frame> frames = new ArrayList<>();
		int offset = 0;
		while (data.length - offset >= HEADER) {
			int size = ((data[offset + 4] & 0xff) << 24) | ((data[offset + 5] & 0xff) << 16)
					| ((data[offset + 6] & 0xff) << 8) | (data[offset + 7] & 0xff);
			if (size < 0 || data.length - offset - HEADER < size) {
				break;
			}
			frames.add(new Frame(data[offset], Arrays.copyOfRange(data, offset + HEADER, offset + HEADER + size)));
			offset += HEADER + size;
		}
		pending = Arrays.copyOfRange(data, offset, data.length);
		return frames;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		ByteArrayOutputStream joined = new ByteArrayOutputStream(first.length + second.length);
		joined.writeBytes(first);
		joined.writeBytes(second);
		return joined.toByteArray();
	}

}
