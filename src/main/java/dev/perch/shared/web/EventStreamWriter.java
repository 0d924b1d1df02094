package dev.perch.shared.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerSentEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a stream of {@link ServerSentEvent}s, flushing what is ready in one go instead of once per event.
 * <p>
 * Spring's own SSE writer hands every event to the server as a group of its own, and Reactor Netty flushes
 * after each group: one system call per event per viewer, which at thousands of events per second is most
 * of a relay's cost. Here the events are one body: Reactor Netty writes each event as it comes and flushes
 * once it has written all that was ready (a task queued on the connection's event loop), so a lone event
 * still goes out at once and a burst goes out in one write. Each event is encoded into one buffer; data is
 * JSON (through the application's {@link JsonMapper}) or, for a {@code String}, the text itself, each line
 * its own {@code data:} line, as Spring's writer does.
 */
final class EventStreamWriter implements HttpMessageWriter<ServerSentEvent<?>> {

	private static final List<MediaType> TYPES = List.of(MediaType.TEXT_EVENT_STREAM);

	private static final byte[] NONE = {};

	private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BLANK_LINE = "\n".getBytes(StandardCharsets.US_ASCII);

	private final JsonMapper json;

	EventStreamWriter(JsonMapper json) {
		this.json = json;
	}

	@Override
	public List<MediaType> getWritableMediaTypes() {
		return TYPES;
	}

	@Override
	public boolean canWrite(ResolvableType elementType, @Nullable MediaType mediaType) {
		return ServerSentEvent.class.isAssignableFrom(elementType.toClass())
				&& (mediaType == null || MediaType.TEXT_EVENT_STREAM.includes(mediaType));
	}

	@Override
	public Mono<Void> write(Publisher<? extends ServerSentEvent<?>> events, ResolvableType elementType,
			@Nullable MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
		message.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
		DataBufferFactory buffers = message.bufferFactory();
		return message.writeWith(Flux.from(events).map(event -> buffers.wrap(encode(event))));
	}

	/**
	 * The event's fields as {@link ServerSentEvent#format()} writes them (each line ending in a newline, the
	 * last one {@code data:} when there is data), the data and its newline, then the blank line that ends it.
	 */
	private byte[] encode(ServerSentEvent<?> event) {
		byte[] head = event.format().getBytes(StandardCharsets.UTF_8);
		byte[] data = data(event.data());
		byte[] end = event.data() == null ? BLANK_LINE : END;
		byte[] out = new byte[head.length + data.length + end.length];
		System.arraycopy(head, 0, out, 0, head.length);
		System.arraycopy(data, 0, out, head.length, data.length);
		System.arraycopy(end, 0, out, head.length + data.length, end.length);
		return out;
	}

	private byte[] data(@Nullable Object data) {
		if (data == null) {
			return NONE;
		}
		if (data instanceof EncodedJson encoded) {
			return encoded.bytes(json);
		}
		if (data instanceof String text) {
			return text.replace("\n", "\ndata:").getBytes(StandardCharsets.UTF_8);
		}
		return json.writeValueAsBytes(data);
	}

}
