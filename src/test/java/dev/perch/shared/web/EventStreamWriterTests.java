package dev.perch.shared.web;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageWriter;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes the bytes Spring's SSE writer writes, as one body rather than a flushed group per event. */
class EventStreamWriterTests {

	private static final ResolvableType SSE = ResolvableType.forClass(ServerSentEvent.class);

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ServerSentEvent<?>> events = List.of(
			ServerSentEvent.builder().comment("connected").build(),
			ServerSentEvent.builder(map("messageId", "msg_1", "text", "héllo \"quoted\"\nnext line")).id("7").event("text.delta").build(),
			ServerSentEvent.builder("two\nlines").id("8").event("log").build(),
			ServerSentEvent.builder().comment("heartbeat").build(),
			ServerSentEvent.builder(map("status", "completed")).id("9").event("done").build());

	@Test
	void writesTheSameBytesAsSpringsOwnWriter() {
		MockServerHttpResponse ours = new MockServerHttpResponse();
		MockServerHttpResponse springs = new MockServerHttpResponse();

		new EventStreamWriter(json).write(Flux.fromIterable(events), SSE, MediaType.TEXT_EVENT_STREAM, ours, Map.of())
			.block(Duration.ofSeconds(5));
		new ServerSentEventHttpMessageWriter(new JacksonJsonEncoder(json))
			.write(Flux.fromIterable(events), SSE, MediaType.TEXT_EVENT_STREAM, springs, Map.of())
			.block(Duration.ofSeconds(5));

		assertThat(ours.getBodyAsString().block(Duration.ofSeconds(5)))
			.isEqualTo(springs.getBodyAsString().block(Duration.ofSeconds(5)))
			.contains("id:7\nevent:text.delta\ndata:{\"messageId\":\"msg_1\",\"text\":\"héllo \\\"quoted\\\"\\nnext line\"}\n\n")
			.contains("data:two\ndata:lines\n\n");
		assertThat(ours.getHeaders().getContentType()).isEqualTo(MediaType.TEXT_EVENT_STREAM);
	}

	@Test
	void writesTheEventsAsOneBodyInsteadOfAFlushedGroupEach() {
		AtomicInteger bodies = new AtomicInteger();
		AtomicInteger groups = new AtomicInteger();
		ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(new MockServerHttpResponse()) {
			@Override
			public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
				bodies.incrementAndGet();
				return super.writeWith(body);
			}

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				groups.incrementAndGet();
				return super.writeAndFlushWith(body);
			}
		};

		new EventStreamWriter(json).write(Flux.fromIterable(events), SSE, MediaType.TEXT_EVENT_STREAM, response, Collections.emptyMap())
			.block(Duration.ofSeconds(5));

		assertThat(bodies).hasValue(1);
		assertThat(groups).hasValue(0);
	}

	@Test
	void writesServerSentEventsOnly() {
		EventStreamWriter writer = new EventStreamWriter(json);

		assertThat(writer.canWrite(SSE, MediaType.TEXT_EVENT_STREAM)).isTrue();
		assertThat(writer.canWrite(SSE, null)).isTrue();
		assertThat(writer.canWrite(ResolvableType.forClass(Object.class), null))
			.as("so Spring files it before its own writer, which takes any type for text/event-stream").isFalse();
		assertThat(writer.canWrite(ResolvableType.forClass(String.class), MediaType.TEXT_EVENT_STREAM)).isFalse();
		assertThat(writer.canWrite(SSE, MediaType.APPLICATION_JSON)).isFalse();
	}

	private static Map<String, Object> map(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}

}
