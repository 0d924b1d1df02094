package dev.perch.opencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import dev.perch.opencode.wire.EventStreamDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/** Event data out of an event stream's bytes however they are cut into chunks. */
class EventStreamDecoderTests {

	private final EventStreamDecoder decoder = new EventStreamDecoder(64);

	@Test
	void readsTheDataOfEachEventWhereverTheChunksAreCut() {
		String stream = "data: {\"a\":1}\n\n: a comment\n\nevent: x\nid: 3\ndata:{\"b\":\"é\"}\n\ndata: one\ndata: two\n\n";
		byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
		for (int cut = 1; cut < bytes.length; cut++) {
			EventStreamDecoder fresh = new EventStreamDecoder(64);
			List<String> events = new ArrayList<>(fresh.decode(buffer(bytes, 0, cut)));
			events.addAll(fresh.decode(buffer(bytes, cut, bytes.length)));

			assertThat(events).as("cut at %d", cut).containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "one\ntwo");
		}
	}

	@Test
	void acceptsCarriageReturnLineEndsAndDataWithoutASpace() {
		assertThat(decoder.decode(buffer("data:x\r\n\r\ndata:  y\r\n\r\n"))).containsExactly("x", " y");
	}

	@Test
	void waitsForTheBlankLineThatEndsAnEvent() {
		assertThat(decoder.decode(buffer("data: {\"a\":1}\n"))).isEmpty();
		assertThat(decoder.decode(buffer("\n"))).containsExactly("{\"a\":1}");
	}

	@Test
	void skipsAnEventLargerThanTheBoundAndReadsTheNextOne() {
		String big = "data: " + "x".repeat(100) + "\n" + "data: " + "y".repeat(40) + "\n\n";

		assertThat(decoder.decode(buffer(big + "data: small\n\n"))).containsExactly("small");
		assertThat(decoder.decode(buffer("data: " + "z".repeat(40) + "\ndata: " + "z".repeat(40) + "\n\ndata: next\n\n")))
			.as("two lines that fit alone but not together").containsExactly("next");
	}

	@Test
	void releasesEveryBuffer() {
		DataBuffer buffer = buffer("data: a\n\n");
		org.springframework.core.io.buffer.NettyDataBufferFactory netty = new org.springframework.core.io.buffer.NettyDataBufferFactory(
				io.netty.buffer.PooledByteBufAllocator.DEFAULT);
		DataBuffer pooled = netty.allocateBuffer(16).write("data: b\n\n", StandardCharsets.UTF_8);

		assertThat(decoder.decode(buffer)).containsExactly("a");
		assertThat(decoder.decode(pooled)).containsExactly("b");
		assertThat(((org.springframework.core.io.buffer.NettyDataBuffer) pooled).getNativeBuffer().refCnt()).isZero();
	}

	private static DataBuffer buffer(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static DataBuffer buffer(byte[] bytes, int from, int to) {
		return DefaultDataBufferFactory.sharedInstance.wrap(java.util.Arrays.copyOfRange(bytes, from, to));
	}

}
