package dev.perch.shared.web;

import java.time.Duration;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;

/**
 * The SSE rules every stream in Perch follows: a {@code : connected} comment at once so headers are
 * flushed, a heartbeat comment at a configured interval while events flow, and the stream ends when
 * its events end.
 */
@Component
public class EventStreams {

	private final SseProperties properties;

	public EventStreams(SseProperties properties) {
		this.properties = properties;
	}

	public <T> Flux<ServerSentEvent<T>> withHeartbeat(Flux<ServerSentEvent<T>> events) {
		return withHeartbeat(events, properties.heartbeat());
	}

	public static <T> Flux<ServerSentEvent<T>> withHeartbeat(Flux<ServerSentEvent<T>> events, Duration heartbeat) {
		ServerSentEvent<T> end = ServerSentEvent.<T>builder().comment("end").build();
		Flux<ServerSentEvent<T>> beats = Flux.interval(heartbeat, heartbeat)
			.onBackpressureDrop()
			.map(tick -> ServerSentEvent.<T>builder().comment("heartbeat").build());
		return Flux.merge(events.concatWith(Flux.just(end)), beats)
			.takeUntil(event -> event == end)
			.filter(event -> event != end)
			.startWith(ServerSentEvent.<T>builder().comment("connected").build());
	}

}
