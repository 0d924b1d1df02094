package dev.perch.opencode;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter against a scripted server: every fault ends in a typed problem, fast, and nothing is sent twice. */
class OpenCodeClientTests {

	private static final String SESSION = "ses_defc4ec98ffe5PxAqeRw4Af0u9";

	private static final Duration BOUND = Duration.ofSeconds(10);

	private MockWebServer server;

	private OpenCodeClient client;

	/** Bounds of 1.5 s, for the tests that wait for one to pass. */
	private OpenCodeClient quick;

	@BeforeEach
	void start() throws IOException {
		server = new MockWebServer();
		server.start(java.net.InetAddress.getLoopbackAddress(), 0);
		client = OpenCodeFixtures.client(url(), OpenCodeFixtures.relaxed());
		quick = OpenCodeFixtures.client(url(), OpenCodeFixtures.properties());
	}

	private String url() {
		return "http://127.0.0.1:" + server.getPort();
	}

	@AfterEach
	void stop() {
		server.close();
	}

	@Test
	void findsSessionAndItsDirectoryAndSendsTheDirectory() throws InterruptedException {
		server.enqueue(json(200, "{\"id\":\"" + SESSION + "\",\"directory\":\"/work/other\",\"title\":\"t\",\"time\":{\"created\":1}}"));
		StepVerifier.create(client.session(SESSION, "/home/ws"))
			.assertNext(session -> {
				assertThat(session.id()).isEqualTo(SESSION);
				assertThat(session.directory()).isEqualTo("/work/other");
			})
			.expectComplete()
			.verify(BOUND);
		RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
		assertThat(request.getUrl().encodedPath()).isEqualTo("/session/" + SESSION);
		assertThat(request.getUrl().queryParameter("directory")).isEqualTo("/home/ws");
		assertThat(request.getHeaders().get("x-opencode-directory")).isEqualTo("/home/ws");
	}

	@Test
	void returnsNotFoundProblemWhenSessionIsUnknown() {
		server.enqueue(json(404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found\"}}"));
		StepVerifier.create(client.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "session-not-found", 404))
			.verify(BOUND);
	}

	@Test
	void returnsGatewayTimeoutWhenTheServerNeverAnswers() {
		server.enqueue(new MockResponse.Builder().onRequestStart(SocketEffect.Stall.INSTANCE).build());
		StepVerifier.create(quick.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-timeout", 504))
			.verify(BOUND);
	}

	@Test
	void returnsGatewayTimeoutWhenHeadersNeverCome() {
		server.enqueue(json(200, "{}").newBuilder().headersDelay(1, TimeUnit.HOURS).build());
		StepVerifier.create(quick.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-timeout", 504))
			.verify(BOUND);
	}

	@Test
	void retriesTheLookupOnServerErrorsThenReportsBadGateway() {
		for (int i = 0; i < 3; i++) {
			server.enqueue(json(503, "{}"));
		}
		StepVerifier.create(client.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-error", 502))
			.verify(BOUND);
		assertThat(server.getRequestCount()).isEqualTo(3);
	}

	@Test
	void retriesTheLookupAfterAConnectionResetAndSucceeds() {
		server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
		server.enqueue(json(200, "{\"id\":\"" + SESSION + "\",\"directory\":\"/d\"}"));
		StepVerifier.create(client.session(SESSION, "/home/ws"))
			.assertNext(session -> assertThat(session.directory()).isEqualTo("/d"))
			.expectComplete()
			.verify(BOUND);
		assertThat(server.getRequestCount()).isEqualTo(2);
	}

	@Test
	void reportsMalformedAnswersAsBadGateway() {
		server.enqueue(json(200, "<html>not json"));
		StepVerifier.create(client.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-error", 502))
			.verify(BOUND);
	}

	@Test
	void neverRetriesThePrompt() {
		server.enqueue(json(500, "{\"name\":\"UnknownError\"}"));
		server.enqueue(new MockResponse.Builder().code(204).build());
		StepVerifier.create(client.prompt(SESSION, "/home/ws", "hi", null, null))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-error", 502))
			.verify(BOUND);
		assertThat(server.getRequestCount()).isEqualTo(1);
	}

	@Test
	void neverRetriesThePromptAfterAConnectionReset() {
		server.enqueue(new MockResponse.Builder().onRequestBody(new SocketEffect.CloseSocket()).build());
		server.enqueue(new MockResponse.Builder().code(204).build());
		StepVerifier.create(client.prompt(SESSION, "/home/ws", "hi", null, null))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-unavailable", 502))
			.verify(BOUND);
		// the reset can land before MockWebServer records the request; a retry would make it 2 either way
		assertThat(server.getRequestCount()).isLessThanOrEqualTo(1);
	}

	@Test
	void reportsAPromptToAnUnknownSessionAsNotFound() {
		server.enqueue(json(404, "{\"name\":\"NotFoundError\"}"));
		StepVerifier.create(client.prompt(SESSION, "/home/ws", "hi", null, null))
			.expectErrorSatisfies(error -> assertProblem(error, "session-not-found", 404))
			.verify(BOUND);
	}

	@Test
	void reportsBadGatewayAtOnceWhenNothingListens() throws IOException {
		int port;
		try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		OpenCodeClient closed = OpenCodeFixtures.client("http://127.0.0.1:" + port, OpenCodeFixtures.properties());
		StepVerifier.create(closed.session(SESSION, "/home/ws"))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-unavailable", 502))
			.verify(BOUND);
		StepVerifier.create(closed.events())
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-unavailable", 502))
			.verify(BOUND);
	}

	@Test
	void readsEventsAndSkipsMalformedOnes() {
		server.enqueue(stream(OpenCodeFixtures.connected() + "data: {not json\n\n" + "data: 42\n\n"
				+ OpenCodeFixtures.event("session.status", "{\"sessionID\":\"" + SESSION + "\",\"status\":{\"type\":\"busy\"}}")
				+ OpenCodeFixtures.event("message.part.delta", "{\"sessionID\":\"" + SESSION
						+ "\",\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"po\"}")));
		StepVerifier.create(client.events().take(3))
			.expectNext(new OpenCodeEvent.Connected())
			.expectNext(new OpenCodeEvent.Status(SESSION, true))
			.expectNext(new OpenCodeEvent.Delta(SESSION, "msg_1", "prt_1", "text", "po"))
			.expectComplete()
			.verify(BOUND);
	}

	@Test
	void failsTheEventStreamWhenItsHeadersNeverCome() {
		server.enqueue(stream(OpenCodeFixtures.connected()).newBuilder().headersDelay(1, TimeUnit.HOURS).build());
		StepVerifier.create(quick.events())
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-timeout", 504))
			.verify(BOUND);
	}

	@Test
	void failsTheEventStreamWhenItAnswersWithAnError() {
		server.enqueue(json(500, "{}"));
		StepVerifier.create(client.events())
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-error", 502))
			.verify(BOUND);
	}

	@Test
	void failsTheEventStreamWhenItStallsMidTurn() {
		String first = OpenCodeFixtures.connected();
		OpenCodeClient stalling = OpenCodeFixtures.client(url(), OpenCodeFixtures.properties(Duration.ofMillis(1500)));
		server.enqueue(stream(first + OpenCodeFixtures.event("server.heartbeat", "{}"))
			.newBuilder().throttleBody(first.length(), 1, TimeUnit.HOURS).build());
		StepVerifier.create(stalling.events())
			.expectNext(new OpenCodeEvent.Connected())
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-timeout", 504))
			.verify(BOUND);
	}

	@Test
	void failsTheEventStreamWhenTheConnectionIsReset() {
		server.enqueue(stream(OpenCodeFixtures.connected()).newBuilder()
			.onResponseEnd(new SocketEffect.CloseSocket()).build());
		StepVerifier.create(client.events())
			.expectNext(new OpenCodeEvent.Connected())
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-unavailable", 502))
			.verify(BOUND);
	}

	@Test
	void sharesOneUpstreamConnectionBetweenSubscribersAndClosesItAfterTheLast() throws InterruptedException {
		String events = OpenCodeFixtures.connected() + OpenCodeFixtures.event("server.heartbeat", "{}");
		// the first answer waits a little: all three must have joined before any of them has its two events and
		// leaves (on a loaded machine the first could otherwise finish, close the stream, and the next open another)
		server.enqueue(stream(events).newBuilder().headersDelay(500, TimeUnit.MILLISECONDS)
			.onResponseEnd(SocketEffect.Stall.INSTANCE).build());
		server.enqueue(stream(events).newBuilder().onResponseEnd(SocketEffect.Stall.INSTANCE).build());
		StepVerifier.create(Flux.merge(client.events().take(2), client.events().take(2), client.events().take(2)))
			.expectNextCount(6)
			.expectComplete()
			.verify(BOUND);
		assertThat(server.getRequestCount()).as("one upstream request for three subscribers").isEqualTo(1);
		StepVerifier.create(client.events().take(1)).expectNext(new OpenCodeEvent.Connected()).expectComplete()
			.verify(BOUND);
		assertThat(server.getRequestCount()).as("a new connection after the last subscriber left").isEqualTo(2);
	}

	/**
	 * A turn waits for the stream before it sends its prompt, and the two are subscribed in either order (for a
	 * docker workspace each first checks the container, asynchronously): waiting first must not wait for a
	 * stream that is never opened.
	 */
	@Test
	void readyWaitsForTheStreamOpenedAfterIt() {
		String events = OpenCodeFixtures.connected() + OpenCodeFixtures.event("server.heartbeat", "{}");
		server.enqueue(stream(events).newBuilder().onResponseEnd(SocketEffect.Stall.INSTANCE).build());
		Flux<String> readyThenStream = Flux.merge(client.ready().thenReturn("ready"),
				Mono.delay(Duration.ofMillis(300)).thenMany(client.events().take(2).map(event -> "event")));
		StepVerifier.create(readyThenStream)
			.expectNext("ready")
			.expectNext("event", "event")
			.expectComplete()
			.verify(BOUND);
	}

	/** Once the stream is closed, the opening of the closed one no longer counts: a prompt would go out unheard. */
	@Test
	void readyAfterTheStreamClosedWaitsForTheNextOne() {
		String events = OpenCodeFixtures.connected() + OpenCodeFixtures.event("server.heartbeat", "{}");
		server.enqueue(stream(events).newBuilder().onResponseEnd(SocketEffect.Stall.INSTANCE).build());
		server.enqueue(stream(events).newBuilder().onResponseEnd(SocketEffect.Stall.INSTANCE).build());
		StepVerifier.create(client.events().take(1)).expectNext(new OpenCodeEvent.Connected()).expectComplete()
			.verify(BOUND);
		// take(1) completes from inside the shared stream's delivery, which closes the stream on the connection's
		// thread right after: waited for here, since a ready() in between still sees the closing stream as open
		StepVerifier.create(Mono.delay(Duration.ofMillis(300)).then(client.ready()).thenReturn("open")
				.timeout(Duration.ofMillis(800), Mono.just("still waiting")))
			.expectNext("still waiting")
			.expectComplete()
			.verify(BOUND);
		StepVerifier.create(Flux.merge(client.ready().thenReturn("ready"),
				Mono.delay(Duration.ofMillis(300)).thenMany(client.events().take(1).map(event -> "event"))))
			.expectNext("ready", "event")
			.expectComplete()
			.verify(BOUND);
	}

	@Test
	void readsTheNewestMessagesAsOpenCodeAnswersThemAndNothingForAnUnknownSession() throws InterruptedException {
		server.enqueue(json(200, "[{\"info\":{\"id\":\"msg_1\",\"role\":\"user\"},\"parts\":[]}]"));
		StepVerifier.create(client.messages(SESSION, 3))
			.assertNext(messages -> assertThat(messages).singleElement()
				.satisfies(message -> assertThat(message.path("info").path("id").asString()).isEqualTo("msg_1")))
			.expectComplete()
			.verify(BOUND);
		RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
		assertThat(request.getUrl().encodedPath()).isEqualTo("/session/" + SESSION + "/message");
		assertThat(request.getUrl().queryParameter("limit")).isEqualTo("3");
		server.enqueue(json(404, "{\"name\":\"NotFoundError\"}"));
		StepVerifier.create(client.messages(SESSION, 3)).expectComplete().verify(BOUND);
		server.enqueue(json(404, "{\"name\":\"NotFoundError\"}"));
		StepVerifier.create(client.sessionInfo(SESSION)).expectComplete().verify(BOUND);
	}

	@Test
	void reportsAFailingMessageListAsBadGateway() {
		for (int i = 0; i < 3; i++) {
			server.enqueue(json(503, "{}"));
		}
		StepVerifier.create(client.messages(SESSION, 3))
			.expectErrorSatisfies(error -> assertProblem(error, "opencode-error", 502))
			.verify(BOUND);
	}

	private static MockResponse json(int code, String body) {
		return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
	}

	private static MockResponse stream(String body) {
		return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(body).build();
	}

	static void assertProblem(Throwable error, String slug, int status) {
		assertThat(error).isInstanceOf(OpenCodeException.class);
		OpenCodeException problem = (OpenCodeException) error;
		assertThat(problem.problemType().slug()).isEqualTo(slug);
		assertThat(problem.getStatusCode().value()).isEqualTo(status);
	}

}
