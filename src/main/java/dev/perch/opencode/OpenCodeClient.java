package dev.perch.opencode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.codec.CodecException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import dev.perch.opencode.OpenCodeSettings.Limits;
import dev.perch.opencode.wire.CreateSessionJson;
import dev.perch.opencode.wire.EventReader;
import dev.perch.opencode.wire.EventStreamDecoder;
import dev.perch.opencode.wire.HealthJson;
import dev.perch.opencode.wire.PromptJson;
import dev.perch.opencode.wire.SessionJson;
import dev.perch.shared.SharedStream;
import io.netty.channel.ConnectTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API of one OpenCode server. Every call is bounded by a configured timeout and fails with an
 * {@link OpenCodeException}: unreachable → 502, too slow → 504, unknown session → 404. Only idempotent
 * GETs are retried, only on transient failures; a prompt is never sent twice. The server's global event
 * stream is opened once and shared by every subscriber of {@link #events()}; the last one to leave closes it.
 */
public class OpenCodeClient {

	private static final Logger log = LoggerFactory.getLogger(OpenCodeClient.class);

	/** An event of OpenCode's stream larger than this is skipped (a tool's output can be large). */
	private static final int MAX_EVENT_SIZE = 16 * 1024 * 1024;

	private static final ParameterizedTypeReference<List<JsonNode>> JSON_LIST = new ParameterizedTypeReference<>() {
	};

	private static final String DIRECTORY_HEADER = "x-opencode-directory";

	private final WebClient web;

	private final OpenCodeLimits settings;

	private final EventReader reader;

	private final Flux<OpenCodeEvent> events;

	/**
	 * The opening of the event stream that is open, or being opened, or else of the next one: whoever waits in
	 * {@link #ready()} before the stream is opened waits for that one, whichever of the two subscribes first.
	 */
	private volatile Opening opening = new Opening();

	public OpenCodeClient(WebClient web, OpenCodeLimits settings, EventReader reader) {
		this.web = web;
		this.settings = settings;
		this.reader = reader;
		this.events = new SharedStream<>(Flux.defer(this::connect)).flux();
	}

	/** The session with this id, looked up in the given project directory; 404 problem when the server does not know it. */
	public Mono<OpenCodeSession> session(String id, String directory) {
		return settings.current().flatMap(limits -> web.get()
			.uri(uri -> uri.path("/session/{id}").queryParam("directory", "{directory}").build(id, directory))
			.header(DIRECTORY_HEADER, directory)
			.exchangeToMono(response -> sessionBody(response, id, "the session lookup"))
			.retryWhen(transientRetry())
			.timeout(limits.existenceTimeout())
			.onErrorMap(e -> translate(e, "the session lookup", limits.existenceTimeout())));
	}

	/** Creates a session in the project directory. */
	public Mono<OpenCodeSession> createSession(String directory, @Nullable String title) {
		return settings.current().flatMap(limits -> web.post()
			.uri(uri -> uri.path("/session").queryParam("directory", "{directory}").build(directory))
			.header(DIRECTORY_HEADER, directory)
			.bodyValue(new CreateSessionJson(title))
			.exchangeToMono(response -> sessionBody(response, "", "creating a session"))
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "creating a session", limits.requestTimeout())));
	}

	/**
	 * Sends a message; OpenCode answers at once and runs the turn in the background (its events come on
	 * {@link #events()}). Never retried: a prompt is not idempotent. {@code model} is {@code provider/model}.
	 */
	public Mono<Void> prompt(String id, String directory, String text, @Nullable String model, @Nullable String agent) {
		PromptJson prompt = new PromptJson(List.of(PromptJson.TextPart.of(text)), PromptJson.Model.parse(model), agent);
		return settings.current().flatMap(limits -> web.post()
			.uri(uri -> uri.path("/session/{id}/prompt_async").queryParam("directory", "{directory}").build(id, directory))
			.header(DIRECTORY_HEADER, directory)
			.bodyValue(prompt)
			.exchangeToMono(response -> noContent(response, id, "the message"))
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "the message", limits.requestTimeout())));
	}

	/** Aborts the running turn of a session (OpenCode answers 200 even for unknown ids: check first). */
	public Mono<Void> abort(String id, String directory) {
		return settings.current().flatMap(limits -> web.post()
			.uri(uri -> uri.path("/session/{id}/abort").queryParam("directory", "{directory}").build(id, directory))
			.header(DIRECTORY_HEADER, directory)
			.exchangeToMono(response -> noContent(response, id, "the abort"))
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "the abort", limits.requestTimeout())));
	}

	/**
	 * Deletes a session with everything OpenCode keeps for it (messages, parts, child sessions), so a running
	 * server forgets it too; {@code false} when the server does not know it. Found by id in any directory.
	 */
	public Mono<Boolean> deleteSession(String id) {
		return settings.current().flatMap(limits -> web.delete()
			.uri("/session/{id}", id)
			.exchangeToMono(response -> response.statusCode().value() == HttpStatus.NOT_FOUND.value()
					? response.releaseBody().thenReturn(false)
					: noContent(response, id, "deleting the session").thenReturn(true))
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "deleting the session", limits.requestTimeout())));
	}

	/**
	 * The session as OpenCode's API answers it (title, directory, time...), untyped for the session module to
	 * read; empty when the server does not know it. Found by id in any directory.
	 */
	public Mono<JsonNode> sessionInfo(String id) {
		return settings.current().flatMap(limits -> web.get()
			.uri("/session/{id}", id)
			.exchangeToMono(response -> jsonOrEmpty(response, "the session lookup", JsonNode.class))
			.retryWhen(transientRetry())
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "the session lookup", limits.requestTimeout())));
	}

	/**
	 * The session's newest {@code limit} messages, each {@code {info, parts}} as OpenCode's API answers it,
	 * oldest first; empty when the server does not know the session.
	 */
	public Mono<List<JsonNode>> messages(String id, int limit) {
		return settings.current().flatMap(limits -> web.get()
			.uri(uri -> uri.path("/session/{id}/message").queryParam("limit", limit).build(id))
			.exchangeToMono(response -> jsonOrEmpty(response, "the session's messages", JSON_LIST))
			.retryWhen(transientRetry())
			.timeout(limits.requestTimeout())
			.onErrorMap(e -> translate(e, "the session's messages", limits.requestTimeout())));
	}

	private static <T> Mono<T> jsonOrEmpty(ClientResponse response, String what, Class<T> type) {
		return checked(response, what).flatMap(ok -> ok.bodyToMono(type));
	}

	private static <T> Mono<T> jsonOrEmpty(ClientResponse response, String what, ParameterizedTypeReference<T> type) {
		return checked(response, what).flatMap(ok -> ok.bodyToMono(type));
	}

	/** The response when it is a success; empty (body released) on 404; an upstream problem otherwise. */
	private static Mono<ClientResponse> checked(ClientResponse response, String what) {
		HttpStatusCode status = response.statusCode();
		if (status.value() == HttpStatus.NOT_FOUND.value()) {
			return response.releaseBody().then(Mono.empty());
		}
		if (!status.is2xxSuccessful()) {
			return response.releaseBody().then(Mono.error(OpenCodeException.upstream(what, status.value())));
		}
		return Mono.just(response);
	}

	/** The server's health and version, bounded by {@code timeout}, not retried (the caller polls). */
	public Mono<HealthJson> health(Duration timeout) {
		return web.get()
			.uri("/global/health")
			.exchangeToMono(response -> response.statusCode().is2xxSuccessful() ? response.bodyToMono(HealthJson.class)
					: response.releaseBody().then(Mono.error(OpenCodeException.upstream("the health check", response.statusCode().value()))))
			.filter(HealthJson::healthy)
			.switchIfEmpty(Mono.error(() -> OpenCodeException.upstream("the health check", 503)))
			.timeout(timeout)
			.onErrorMap(e -> translate(e, "the health check", timeout));
	}

	/**
	 * Every event of the server, of every directory, from one shared upstream connection: opened by the
	 * first subscriber, closed when the last one leaves. A dead or silent stream fails every subscriber.
	 */
	public Flux<OpenCodeEvent> events() {
		return events;
	}

	/**
	 * Completes once the shared event stream is open (OpenCode said {@code server.connected}): at once while it
	 * is, else when the next one opens, so a caller may subscribe here before or after subscribing to
	 * {@link #events()}; fails when the stream it waits for fails or is closed before it opened.
	 */
	public Mono<Void> ready() {
		return Mono.defer(() -> opening.sink.asMono());
	}

	private Flux<OpenCodeEvent> connect() {
		Opening current = claimOpening();
		Sinks.One<Void> opened = current.sink;
		return settings.current()
			.flatMapMany(this::stream)
			.doOnNext(event -> {
				if (event instanceof OpenCodeEvent.Connected) {
					opened.tryEmitEmpty();
				}
			})
			.doOnError(opened::tryEmitError)
			.doOnCancel(() -> opened.tryEmitError(OpenCodeException.unavailable("the event stream was closed", new IllegalStateException())))
			.doFinally(signal -> nextOpening(current));
	}

	/** The opening this connection completes: the one callers already wait for, unless an earlier connection used it. */
	private synchronized Opening claimOpening() {
		if (opening.used) {
			opening = new Opening();
		}
		opening.used = true;
		return opening;
	}

	/** After a connection ends, callers wait for the next one (unless a newer connection has already taken over). */
	private synchronized void nextOpening(Opening ended) {
		if (opening == ended) {
			opening = new Opening();
		}
	}

	private Flux<OpenCodeEvent> stream(Limits limits) {
		return Flux.usingWhen(Mono.fromSupplier(StreamConnection::new), this::open, connection -> Mono.empty(),
				(connection, error) -> Mono.empty(), StreamConnection::close)
			.concatMapIterable(this::read)
			.concatWith(Flux.error(() -> OpenCodeException.unavailable("the event stream ended", new java.io.EOFException())))
			.timeout(Mono.delay(limits.connectTimeout()), event -> Mono.delay(limits.idleTimeout()))
			.onErrorMap(e -> translate(e, "on the event stream", limits.idleTimeout()))
			.doOnSubscribe(subscription -> log.debug("Opening the event stream"))
			.doFinally(signal -> log.debug("Event stream closed ({})", signal));
	}

	/** The events of the data received in one go (those Perch does not act on are left out). */
	private List<OpenCodeEvent> read(List<String> data) {
		List<OpenCodeEvent> events = new ArrayList<>(data.size());
		for (String each : data) {
			reader.read(each).ifPresent(events::add);
		}
		return events;
	}

	/**
	 * The data of the events in each chunk of the body as it arrives, split by the connection's own decoder
	 * (one per subscription); every chunk is decoded and released as it comes, none is queued.
	 */
	private Flux<List<String>> open(StreamConnection connection) {
		return web.get()
			.uri("/global/event")
			.accept(MediaType.TEXT_EVENT_STREAM)
			// never back into the pool: close() disposes this connection when the stream is cancelled, and a
			// pooled one could be handed to the next subscriber's request just before that
			.header(HttpHeaders.CONNECTION, "close")
			.httpRequest(request -> connection.opened(request.getNativeRequest()))
			.exchangeToFlux(response -> response.statusCode().is2xxSuccessful()
					? response.bodyToFlux(DataBuffer.class).map(connection.decoder::decode)
					: response.releaseBody().thenMany(Flux.error(OpenCodeException.upstream("the event stream", response.statusCode().value()))));
	}



	private static Mono<OpenCodeSession> sessionBody(ClientResponse response, String id, String what) {
		HttpStatusCode status = response.statusCode();
		if (status.value() == HttpStatus.NOT_FOUND.value() && !id.isEmpty()) {
			return response.releaseBody().then(Mono.error(OpenCodeException.sessionNotFound(id)));
		}
		if (!status.is2xxSuccessful()) {
			return response.releaseBody().then(Mono.error(OpenCodeException.upstream(what, status.value())));
		}
		return response.bodyToMono(SessionJson.class)
			.filter(json -> json.id() != null && json.directory() != null)
			.switchIfEmpty(Mono.error(() -> OpenCodeException.malformed(what)))
			.map(OpenCodeClient::toSession);
	}

	private static Mono<Void> noContent(ClientResponse response, String id, String what) {
		HttpStatusCode status = response.statusCode();
		if (status.value() == HttpStatus.NOT_FOUND.value()) {
			return response.releaseBody().then(Mono.error(OpenCodeException.sessionNotFound(id)));
		}
		if (!status.is2xxSuccessful()) {
			return response.releaseBody().then(Mono.error(OpenCodeException.upstream(what, status.value())));
		}
		return response.releaseBody();
	}

	private static OpenCodeSession toSession(SessionJson json) {
		Long created = json.time() == null ? null : json.time().created();
		return new OpenCodeSession(String.valueOf(json.id()), String.valueOf(json.directory()), json.title(),
				created == null ? null : Instant.ofEpochMilli(created));
	}

	/** GETs only: up to two more tries, quickly, when the connection failed or the server said 502/503/504. */
	private static Retry transientRetry() {
		return Retry.backoff(2, Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(200))
			.filter(OpenCodeClient::isTransient)
			.onRetryExhaustedThrow((spec, signal) -> signal.failure());
	}

	private static boolean isTransient(Throwable error) {
		if (error instanceof WebClientRequestException) {
			return !(error.getCause() instanceof java.net.ConnectException);
		}
		return error instanceof OpenCodeException api && api.getStatusCode().value() == HttpStatus.BAD_GATEWAY.value()
				&& api.getBody().getProperties() != null
				&& api.getBody().getProperties().get("upstreamStatus") instanceof Integer status
				&& (status == 502 || status == 503 || status == 504);
	}

	static Throwable translate(Throwable error, String what, Duration bound) {
		if (error instanceof OpenCodeException) {
			return error;
		}
		if (error instanceof TimeoutException) {
			return OpenCodeException.timeout(what, bound, error);
		}
		if (error instanceof WebClientRequestException request) {
			if (request.getCause() instanceof ConnectTimeoutException) {
				return OpenCodeException.timeout("to connect (" + what + ")", bound, error);
			}
			return OpenCodeException.unavailable(what, error);
		}
		if (error instanceof CodecException) {
			return OpenCodeException.malformed(what);
		}
		if (error instanceof org.springframework.web.reactive.function.client.WebClientException
				|| error instanceof java.io.IOException) {
			return OpenCodeException.unavailable(what, error);
		}
		return error;
	}

	/** The opening of one connection of the event stream; {@code used} once a connection has taken it (guarded by the client). */
	private static final class Opening {

		final Sinks.One<Void> sink = Sinks.one();

		boolean used;

	}

	/**
	 * The HTTP connection an event stream runs on, closed when the stream's subscriber cancels. Closing it
	 * ourselves matters in one window: a cancel that arrives after OpenCode answered but before the body was
	 * subscribed makes Spring's Reactor connector drain the body to free the connection, and an event stream
	 * never ends, so that connection would stay open (reading heartbeats) for good.
	 */
	private static final class StreamConnection {

		final EventStreamDecoder decoder = new EventStreamDecoder(MAX_EVENT_SIZE);

		private volatile @Nullable Object request;

		void opened(Object nativeRequest) {
			this.request = nativeRequest;
		}

		Mono<Void> close() {
			return Mono.fromRunnable(() -> {
				if (request instanceof reactor.netty.Connection connection) {
					connection.dispose();
				}
			});
		}

	}

}
