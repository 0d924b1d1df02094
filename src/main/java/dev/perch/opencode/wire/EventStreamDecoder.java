package dev.perch.opencode.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Splits one connection's {@code text/event-stream} body into the data of each event, as the bytes arrive:
 * lines end with LF or CRLF, {@code data:} lines (one leading space dropped) are joined with LF, a blank line
 * ends an event, comments and other fields are skipped. Spring's generic SSE reader does the same through a
 * string per line and a list per event; this keeps one growing byte array per connection and makes one string
 * per event, which matters at thousands of events a second. An event larger than {@code maxEventSize} is
 * skipped (logged), not kept in memory. Not thread-safe: one per connection, fed in order.
 */
public final class EventStreamDecoder {

	private static final Logger log = LoggerFactory.getLogger(EventStreamDecoder.class);

	private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

	/** Buffers grown past this for a large event are given back after it. */
	private static final int SHRINK_ABOVE = 64 * 1024;

	private final int maxEventSize;

	/** Bytes of the current, unfinished line. */
	private byte[] line = new byte[1024];

	private int lineLength;

	/** The current event's data so far; {@code null} before its first data line. */
	private byte[] data = new byte[1024];

	private int dataLength = -1;

	private boolean oversized;

	public EventStreamDecoder(int maxEventSize) {
		this.maxEventSize = maxEventSize;
	}

	/** The data of every event the buffer completes, in order; the buffer is released. */
	public List<String> decode(DataBuffer buffer) {
		List<String> events = new ArrayList<>(2);
		try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
			while (chunks.hasNext()) {
				java.nio.ByteBuffer chunk = chunks.next();
				while (chunk.hasRemaining()) {
					int newline = indexOfNewline(chunk);
					append(chunk, (newline < 0 ? chunk.limit() : newline) - chunk.position());
					if (newline >= 0) {
						chunk.get();
						endLine(events);
					}
				}
			}
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return events;
	}

	private static int indexOfNewline(java.nio.ByteBuffer chunk) {
		for (int i = chunk.position(); i < chunk.limit(); i++) {
			if (chunk.get(i) == '\n') {
				return i;
			}
		}
		return -1;
	}

	/** Moves the chunk's next {@code count} bytes to the current line, in one copy; past the event limit they are dropped. */
	private void append(java.nio.ByteBuffer chunk, int count) {
		int kept = Math.min(count, Math.max(0, maxEventSize - lineLength));
		if (kept < count) {
			oversized = true;
		}
		if (lineLength + kept > line.length) {
			line = java.util.Arrays.copyOf(line, Math.min(maxEventSize, Math.max(lineLength + kept, line.length * 2)));
		}
		chunk.get(line, lineLength, kept);
		lineLength += kept;
		chunk.position(chunk.position() + count - kept);
	}

	private void endLine(List<String> events) {
		int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
		lineLength = 0;
		if (length == 0) {
			endEvent(events);
		}
		else if (startsWithData(length)) {
			int from = DATA.length < length && line[DATA.length] == ' ' ? DATA.length + 1 : DATA.length;
			addData(from, length);
		}
	}

	private boolean startsWithData(int length) {
		if (length < DATA.length) {
			return false;
		}
		for (int i = 0; i < DATA.length; i++) {
			if (line[i] != DATA[i]) {
				return false;
			}
		}
		return true;
	}

	private void addData(int from, int to) {
		int separator = dataLength < 0 ? 0 : 1;
		int needed = Math.max(0, dataLength) + separator + (to - from);
		if (oversized || needed > maxEventSize) {
			oversized = true;
			return;
		}
		if (needed > data.length) {
			data = java.util.Arrays.copyOf(data, Math.max(needed, data.length * 2));
		}
		if (dataLength < 0) {
			dataLength = 0;
		}
		else {
			data[dataLength++] = '\n';
		}
		System.arraycopy(line, from, data, dataLength, to - from);
		dataLength += to - from;
	}

	private void endEvent(List<String> events) {
		if (oversized) {
			log.warn("Skipped an event of OpenCode's event stream larger than {} bytes", maxEventSize);
		}
		else if (dataLength >= 0) {
			events.add(new String(data, 0, dataLength, StandardCharsets.UTF_8));
		}
		oversized = false;
		dataLength = -1;
		if (data.length > SHRINK_ABOVE) {
			data = new byte[1024];
		}
		if (line.length > SHRINK_ABOVE) {
			line = new byte[1024];
		}
	}

}
