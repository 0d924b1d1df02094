package dev.perch.session.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a file line by line, forwards or backwards from an offset, in fixed chunks: memory stays
 * bounded by the chunk plus the longest line accepted ({@code maxLine} bytes). Longer lines are
 * skipped and counted, never held whole. Blank lines are skipped; a trailing {@code \r} is dropped.
 */
public final class Lines {

	/** Bytes read per system call. */
	static final int CHUNK = 64 * 1024;

	private Lines() {
	}

	/** Receives a line read forwards; {@code terminated} is false for a last line without a newline (maybe still being written). */
	@FunctionalInterface
	public interface Forward {

		void line(String text, long offset, boolean terminated) throws IOException;

	}

	/** Receives a line read backwards, newest first, with the offset where it starts; false stops the reading. */
	@FunctionalInterface
	public interface Backward {

		boolean line(String text, long offset) throws IOException;

	}

	/**
	 * Where a forward read stopped.
	 *
	 * @param next the offset just after the last complete (newline-terminated) line read: where a later read
	 * continues; a last line without a newline (maybe still being written) lies at or after it
	 * @param skipped lines skipped for being too long
	 */
	public record Stop(long next, int skipped) {
	}

	/**
	 * Reads lines of {@code [0, end)} in order (end is the size seen when the caller listed the file, so
	 * a concurrent append is not half-read). Returns the number of lines skipped for being too long.
	 */
	public static int forward(Path file, long end, int maxLine, Forward handler) throws IOException {
		return forward(file, 0, end, maxLine, handler).skipped();
	}

	/**
	 * Reads lines of {@code [from, end)} in order; {@code from} must be the start of a line (0, or a
	 * {@link Stop#next()} of an earlier read of the same file).
	 */
	public static Stop forward(Path file, long from, long end, int maxLine, Forward handler) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long limit = Math.min(end, channel.size());
			ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
			byte[] line = new byte[1024];
			int length = 0;
			boolean overlong = false;
			int skipped = 0;
			long position = from;
			long lineStart = from;
			while (position < limit) {
				chunk.clear();
				chunk.limit((int) Math.min(CHUNK, limit - position));
				int read = channel.read(chunk, position);
				if (read <= 0) {
					break;
				}
				byte[] bytes = chunk.array();
				for (int i = 0; i < read; i++) {
					byte b = bytes[i];
					if (b == '\n') {
						if (overlong) {
							skipped++;
						}
						else {
							emit(handler, line, length, lineStart, true);
						}
						length = 0;
						overlong = false;
						lineStart = position + i + 1;
					}
					else if (!overlong) {
						if (length == maxLine) {
							overlong = true;
							length = 0;
						}
						else {
							if (length == line.length) {
								line = Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
							}
							line[length++] = b;
						}
					}
				}
				position += read;
			}
			if (overlong) {
				skipped++;
			}
			else if (length > 0) {
				emit(handler, line, length, lineStart, false);
			}
			return new Stop(Math.max(from, lineStart), skipped);
		}
	}

	private static void emit(Forward handler, byte[] line, int length, long offset, boolean terminated) throws IOException {
		int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
		if (end > 0 && !blank(line, 0, end)) {
			handler.line(new String(line, 0, end, StandardCharsets.UTF_8), offset, terminated);
		}
	}

	/**
	 * Reads lines that end at or before {@code end}, newest first, until the handler says stop or the
	 * file's start. Returns the number of lines skipped for being too long.
	 */
	public static int backward(Path file, long end, int maxLine, Backward handler) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long position = Math.min(end, channel.size());
			ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
			Reversed line = new Reversed(maxLine);
			while (position > 0) {
				int size = (int) Math.min(CHUNK, position);
				long chunkStart = position - size;
				readFully(channel, chunk, chunkStart, size, file);
				byte[] bytes = chunk.array();
				int segmentEnd = size;
				for (int i = size - 1; i >= 0; i--) {
					if (bytes[i] == '\n') {
						line.prepend(bytes, i + 1, segmentEnd - i - 1);
						if (!line.finish(handler, chunkStart + i + 1)) {
							return line.skipped;
						}
						segmentEnd = i;
					}
				}
				line.prepend(bytes, 0, segmentEnd);
				position = chunkStart;
			}
			line.finish(handler, 0);
			return line.skipped;
		}
	}

	private static void readFully(FileChannel channel, ByteBuffer chunk, long from, int size, Path file) throws IOException {
		chunk.clear();
		chunk.limit(size);
		int read = 0;
		while (read < size) {
			int n = channel.read(chunk, from + read);
			if (n < 0) {
				throw new IOException("file shrank while reading: " + file.getFileName());
			}
			read += n;
		}
	}

	/** The line being read backwards, filled from the back of its buffer; bounded by {@code maxLine}. */
	private static final class Reversed {

		private final int maxLine;

		private byte[] buffer = new byte[1024];

		private int start = buffer.length;

		private boolean overlong;

		int skipped;

		Reversed(int maxLine) {
			this.maxLine = maxLine;
		}

		void prepend(byte[] bytes, int from, int length) {
			if (overlong || length == 0) {
				return;
			}
			int current = buffer.length - start;
			if (current + length > maxLine) {
				overlong = true;
				start = buffer.length;
				return;
			}
			if (start < length) {
				byte[] larger = new byte[Math.min(Math.max(buffer.length * 2, current + length), Math.max(maxLine, 1024))];
				System.arraycopy(buffer, start, larger, larger.length - current, current);
				buffer = larger;
				start = larger.length - current;
			}
			start -= length;
			System.arraycopy(bytes, from, buffer, start, length);
		}

		boolean finish(Backward handler, long offset) throws IOException {
			boolean more = true;
			if (overlong) {
				skipped++;
			}
			else {
				more = emitBackward(handler, buffer, start, offset);
			}
			overlong = false;
			start = buffer.length;
			return more;
		}

	}

	private static boolean emitBackward(Backward handler, byte[] buffer, int start, long offset) throws IOException {
		int end = buffer.length;
		if (end > start && buffer[end - 1] == '\r') {
			end--;
		}
		if (end <= start || blank(buffer, start, end)) {
			return true;
		}
		return handler.line(new String(buffer, start, end - start, StandardCharsets.UTF_8), offset);
	}

	private static boolean blank(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t') {
				return false;
			}
		}
		return true;
	}

}
