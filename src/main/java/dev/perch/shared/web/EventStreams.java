package dev.perch.shared.web;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The SSE rules every stream in Perch follows: a {@code : connected} comment at once so headers are
 * flushed, a heartbeat comment at a configured interval while events flow, and the stream ends when
 * its events end, or, when Perch shuts down, with an {@code error} event carrying a
 * {@code shutting-down} problem.
 * <p>
 * As a lifecycle bean of the default phase this stops before the web server's graceful shutdown, so
 * open streams end at once with that event instead of holding the shutdown until its timeout and
 * then being cut.
 */
@Component
public class EventStreams implements SmartLifecycle {

	private final SseProperties properties;

	private final Sinks.One<Boolean> closing = Sinks.one();

	private volatile boolean running;

	public EventStreams(SseProperties properties) {
		this.properties = properties;
	}

	/**
	 * {@code events} with the SSE rules; {@code problemData} turns the members of the shutdown problem into
	 * the data of the stream's type (the map itself for JSON data, its JSON text for text data).
	 */
	public <T> Flux<ServerSentEvent<T>> withHeartbeat(Flux<ServerSentEvent<T>> events,
			Function<Map<String, Object>, T> problemData) {
		return withHeartbeat(events, properties.heartbeat(), closing.asMono(), () -> shutdownEvent(problemData));
	}

	public static <T> Flux<ServerSentEvent<T>> withHeartbeat(Flux<ServerSentEvent<T>> events, Duration heartbeat) {
		return withHeartbeat(events, heartbeat, Mono.never(), () -> ServerSentEvent.<T>builder().build());
	}

	/** {@code events} with the SSE rules, cut short by {@code interruption}: then {@code last} is the final event. */
	public static <T> Flux<ServerSentEvent<T>> withHeartbeat(Flux<ServerSentEvent<T>> events, Duration heartbeat,
			Mono<?> interruption, Supplier<ServerSentEvent<T>> last) {
		return Flux.defer(() -> {
			ServerSentEvent<T> end = ServerSentEvent.<T>builder().comment("end").build();
			ServerSentEvent<T> interrupted = last.get();
			Flux<ServerSentEvent<T>> beats = Flux.interval(heartbeat, heartbeat)
				.onBackpressureDrop()
				.map(tick -> ServerSentEvent.<T>builder().comment("heartbeat").build());
			return Flux.merge(events.concatWith(Flux.just(end)), beats, interruption.map(signal -> interrupted))
				.takeUntil(event -> event == end || event == interrupted)
				.filter(event -> event != end)
				.startWith(ServerSentEvent.<T>builder().comment("connected").build());
		});
	}

	/** The last event of a stream cut by shutdown: no id, so Last-Event-ID resumes after the last real event. */
	private static <T> ServerSentEvent<T> shutdownEvent(Function<Map<String, Object>, T> problemData) {
		Map<String, Object> problem = Problems.toMap(Problems.of(ProblemType.SHUTTING_DOWN,
				"Perch is shutting down and ends this stream here; reconnect in a moment "
						+ "(with Last-Event-ID where the stream replays)."));
		return ServerSentEvent.builder(problemData.apply(problem)).event("error").build();
	}

	@Override
	public void start() {
		running = true;
	}

	@Override
	public void stop() {
		running = false;
		closing.tryEmitValue(true);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
