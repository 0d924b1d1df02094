package dev.perch.workspace.runtime.docker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.util.DefaultUriBuilderFactory;

import dev.perch.shared.web.ApiException;
import dev.perch.workspace.RuntimeUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The Docker Engine API over its unix socket, with Reactor Netty's {@link HttpClient} (no client library:
 * the few calls Perch needs are plain HTTP, and Reactor Netty is already what the service runs on).
 * Every call is bounded by the API timeout (a followed stream only until its headers arrive); GETs are
 * retried on connection errors; an engine that cannot be reached becomes a
 * {@link RuntimeUnavailableException}, an error status an {@link EngineException}.
 */
final class DockerEngine {

	private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);

	/** The API version of Docker 20.10, which every later engine still serves. */
	static final String API_VERSION = "v1.41";

	private static final byte[] OPENED = new byte[0];

	private final HttpClient client;

	private final ConnectionProvider connections;

	private final DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory("/" + API_VERSION);

	private final JsonMapper json;

	private final Path socket;

	private final Duration timeout;

	DockerEngine(Path socket, Duration timeout, JsonMapper json) {
		this.socket = socket;
		this.timeout = timeout;
		this.json = json;
		this.connections = ConnectionProvider.builder("perch-docker")
			.maxConnections(64)
			.maxIdleTime(Duration.ofSeconds(30))
			.pendingAcquireTimeout(timeout)
			.build();
		this.client = HttpClient.create(connections)
			.remoteAddress(() -> new DomainSocketAddress(socket.toString()))
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 10_000))
			.headers(headers -> headers.set(HttpHeaderNames.HOST, "docker"));
	}

	/** An API path from a template, its variables encoded ({@code /containers/{id}/json}). */
	String uri(String template, Object... variables) {
		return uris.expand(template, variables).toString();
	}

	Mono<JsonNode> get(String uri) {
		return call(HttpMethod.GET, uri, null, timeout)
			.retryWhen(Retry.backoff(2, Duration.ofMillis(100))
				.filter(DockerEngine::isTransient)
				.onRetryExhaustedThrow((retry, signal) -> signal.failure()));
	}

	Mono<JsonNode> post(String uri, @Nullable Object body) {
		return post(uri, body, timeout);
	}

	/** A POST the engine may take longer to answer (a stop that waits for the container to exit). */
	Mono<JsonNode> post(String uri, @Nullable Object body, Duration bound) {
		return call(HttpMethod.POST, uri, body, bound);
	}

	Mono<Void> delete(String uri) {
		return call(HttpMethod.DELETE, uri, null, timeout).then();
	}

	/**
	 * A multiplexed output stream (logs, an attached exec), decoded into frames; it ends when the engine
	 * ends it (the container or process stopped) and is cancelled by cancelling the subscription.
	 */
	Flux<StreamFrames.Frame> stream(HttpMethod method, String uri, @Nullable Object body) {
		return Flux.defer(() -> {
			StreamFrames frames = new StreamFrames();
			return client(body).request(method)
				.uri(uri)
				.send(body(body))
				.response(this::opened)
				.timeout(Mono.delay(timeout), chunk -> Flux.never())
				.onErrorMap(this::failure)
				.concatMapIterable(chunk -> chunk == OPENED ? List.of() : frames.feed(chunk));
		});
	}

	/** Where the engine is, for messages. */
	Path socket() {
		return socket;
	}

	void dispose() {
		connections.dispose();
	}

	private Mono<JsonNode> call(HttpMethod method, String uri, @Nullable Object body, Duration bound) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return client(body).request(method)
				.uri(uri)
				.send(body(body))
				.responseSingle((response, content) -> content.asByteArray()
					.defaultIfEmpty(OPENED)
					.doOnNext(bytes -> log.debug("{} {} -> {} in {} ms", method, uri, response.status().code(),
							(System.nanoTime() - started) / 1_000_000))
					.map(bytes -> answer(response.status().code(), bytes)))
				.timeout(bound)
				.onErrorMap(this::failure);
		});
	}

	private HttpClient client(@Nullable Object body) {
		return body == null ? client : client.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
	}

	private Mono<ByteBuf> body(@Nullable Object body) {
		return body == null ? Mono.empty() : Mono.fromCallable(() -> Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
	}

	/** The response's bytes, after a first marker that says the headers arrived (the first-item timeout ends there). */
	private Flux<byte[]> opened(HttpClientResponse response, ByteBufFlux content) {
		int status = response.status().code();
		if (status >= 400) {
			return content.aggregate().asByteArray().defaultIfEmpty(OPENED).flatMapMany(bytes -> Flux.error(error(status, bytes)));
		}
		return Flux.just(OPENED).concatWith(content.asByteArray());
	}

	private JsonNode answer(int status, byte[] bytes) {
		if (status >= 400) {
			throw error(status, bytes);
		}
		return bytes.length == 0 ? MissingNode.getInstance() : json.readTree(bytes);
	}

	private EngineException error(int status, byte[] bytes) {
		String message;
		try {
			message = bytes.length == 0 ? "" : json.readTree(bytes).path("message").asString("");
		}
		catch (RuntimeException ex) {
			message = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
		}
		return new EngineException(status, message.isBlank() ? "status " + status : message.strip());
	}

	private Throwable failure(Throwable error) {
		if (error instanceof EngineException || error instanceof ApiException) {
			return error;
		}
		String why = error instanceof TimeoutException ? "did not answer within " + timeout.toMillis() + " ms"
				: "cannot be reached";
		return new RuntimeUnavailableException("docker", "The Docker engine at " + socket + " " + why
				+ "; docker workspaces are unavailable until it is back.", error);
	}

	private static boolean isTransient(Throwable error) {
		Throwable cause = error instanceof RuntimeUnavailableException ? error.getCause() : error;
		return cause instanceof IOException;
	}

}
