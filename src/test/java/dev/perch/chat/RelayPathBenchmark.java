package dev.perch.chat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;
import org.springframework.mock.http.client.reactive.MockClientHttpResponse;
import org.springframework.http.HttpStatus;

import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.wire.EventReader;
import dev.perch.opencode.wire.EventStreamDecoder;
import dev.perch.shared.web.EventStreams;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CPU cost per event of Perch's relay path on one thread, without OpenCode, sockets or other threads:
 * OpenCode's event stream bytes decoded, read, appended to a session's feed and written as SSE for each of
 * {@code perch.bench.viewers} viewers; beside it, in the same run, the cost of what a client reading OpenCode
 * directly does (Spring's SSE reader decoding the same bytes). The ratio of the two says how much more work
 * one relayed event is than one read directly. Opt-in:
 * {@code ./mvnw -o verify -Dtest=RelayPathBenchmark -Dperch.bench=true -DskipITs}.
 */
@EnabledIfSystemProperty(named = "perch.bench", matches = "true")
class RelayPathBenchmark {

	private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private static final String SESSION = "ses_4d9c2b6e1ffeQ0pTQb0CG3dW1r";

	@Test
	void costPerEvent() throws Exception {
		int events = Integer.getInteger("perch.bench.path-events", 200_000);
		int viewers = Integer.getInteger("perch.bench.viewers", 2);
		List<byte[]> chunks = chunks(events);
		for (int round = 1; round <= 5; round++) {
			long direct = time(() -> direct(chunks, events));
			long relayed = time(() -> relay(chunks, events, viewers));
			System.out.printf("BENCH relay-path round=%d events=%d viewers=%d perch=%.2fus/event direct=%.2fus/event perch/direct=%.2f%n",
					round, events, viewers, relayed / 1e3 / events, direct / 1e3 / events, (double) relayed / direct);
		}
	}

	private static long time(Supplier<Long> run) {
		long start = System.nanoTime();
		run.get();
		return System.nanoTime() - start;
	}

	/** The stream as OpenCode writes it: deltas of one text part, in chunks of about 16 KB as a socket read gives them. */
	private static List<byte[]> chunks(int events) {
		StringBuilder all = new StringBuilder();
		for (int i = 0; i < events; i++) {
			all.append("data: {\"directory\":\"/tmp/perch-bench-home-5843915227718339931/workspaces/bench/home\",")
				.append("\"payload\":{\"id\":\"evt_").append(1_000_000 + i).append("a9f3e1c2b5d4\",\"type\":\"message.part.delta\",")
				.append("\"properties\":{\"sessionID\":\"").append(SESSION)
				.append("\",\"messageID\":\"msg_4d9c2b78c001aPq2M2xY8kZbVn\",\"partID\":\"prt_4d9c2b7a5002xZ7K0q3jDd9TcB\",")
				.append("\"field\":\"text\",\"delta\":\"w").append(String.format("%05d", i % 100_000)).append(" \"}}}\n\n");
		}
		byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
		List<byte[]> chunks = new ArrayList<>();
		for (int at = 0; at < bytes.length; at += 16384) {
			chunks.add(java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 16384)));
		}
		return chunks;
	}

	private static long direct(List<byte[]> chunks, int events) {
		MockClientHttpResponse response = new MockClientHttpResponse(HttpStatus.OK);
		response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
		response.setBody(Flux.fromIterable(chunks).map(BUFFERS::wrap));
		Long count = new ServerSentEventHttpMessageReader()
			.read(ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class), response, Map.of())
			.count().block();
		assertThat(count).isEqualTo(events);
		return count;
	}

	@SuppressWarnings("unchecked")
	private static long relay(List<byte[]> chunks, int events, int viewers) {
		JsonMapper json = JsonMapper.builder().build();
		EventReader reader = new EventReader(json);
		EventStreamDecoder decoder = new EventStreamDecoder(16 * 1024 * 1024);
		SessionFeeds feeds = new SessionFeeds(10, SessionFeed.VIEWER_BUFFER, () -> 1000, feed -> Flux.never(), feed -> {
		});
		SessionFeeds.Live live = feeds.get("bench", SESSION);
		HttpMessageWriter<ServerSentEvent<?>> writer;
		try {
			var constructor = Class.forName("dev.perch.shared.web.EventStreamWriter").getDeclaredConstructor(JsonMapper.class);
			constructor.setAccessible(true);
			writer = (HttpMessageWriter<ServerSentEvent<?>>) constructor.newInstance(json);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
		AtomicLong written = new AtomicLong();
		List<reactor.core.Disposable> open = new ArrayList<>();
		for (int v = 0; v < viewers; v++) {
			Flux<ServerSentEvent<Object>> stream = EventStreams.withHeartbeat(
					live.follow(Long.MAX_VALUE - 1, error -> Map.of()).map(ChatEvent::toSse), Duration.ofSeconds(30));
			Counting message = new Counting(written);
			open.add(writer.write(stream, ResolvableType.forClass(ServerSentEvent.class), MediaType.TEXT_EVENT_STREAM, message, Map.of())
				.subscribe());
		}
		long accepted = 0;
		List<TurnUsage> usage = new ArrayList<>();
		for (byte[] chunk : chunks) {
			for (String data : decoder.decode(BUFFERS.wrap(chunk))) {
				OpenCodeEvent event = reader.read(data).orElseThrow();
				live.feed().accept(event, usage);
				accepted++;
			}
		}
		open.forEach(reactor.core.Disposable::dispose);
		assertThat(accepted).isEqualTo(events);
		assertThat(written.get()).as("every viewer was written every event").isGreaterThan((long) events * viewers * 100);
		return accepted;
	}

	/** A response body that counts the bytes written to it and lets them go. */
	private static final class Counting implements ReactiveHttpOutputMessage {

		private final AtomicLong written;

		private final HttpHeaders headers = new HttpHeaders();

		Counting(AtomicLong written) {
			this.written = written;
		}

		@Override
		public DataBufferFactory bufferFactory() {
			return BUFFERS;
		}

		@Override
		public void beforeCommit(Supplier<? extends Mono<Void>> action) {
		}

		@Override
		public boolean isCommitted() {
			return true;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return Flux.from(body).doOnNext(buffer -> {
				written.addAndGet(buffer.readableByteCount());
				DataBufferUtils.release(buffer);
			}).then();
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return writeWith(Flux.from(body).concatMap(Flux::from));
		}

		@Override
		public Mono<Void> setComplete() {
			return Mono.empty();
		}

		@Override
		public HttpHeaders getHeaders() {
			return headers;
		}

	}

}
