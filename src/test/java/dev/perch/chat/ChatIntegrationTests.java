package dev.perch.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.opencode.FakeModel;
import dev.perch.opencode.OpenCodeInstallation;
import dev.perch.support.RealServices;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.verify;

/**
 * Chat through Perch's HTTP API against the real {@code opencode serve} (pinned npm {@code opencode-ai}),
 * started by Perch in a local workspace and driven by the tests' own fake model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class ChatIntegrationTests {

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private static final Duration TURN = Duration.ofSeconds(90);

	private static final String WS = "chat-it";

	private static final FakeModel model = new FakeModel();

	private static final String binary = OpenCodeInstallation.binary();

	private static Path config;

	private static boolean workspaceReady;

	@Autowired
	private WebTestClient web;

	@MockitoSpyBean
	private IdempotencyKeys idempotencyKeys;

	@MockitoSpyBean
	private UsageRecorder usage;

	@org.springframework.boot.test.web.server.LocalServerPort
	private int port;

	@DynamicPropertySource
	static void opencode(DynamicPropertyRegistry registry) throws IOException {
		config = OpenCodeInstallation.register(registry, model, "4150-4199", Map.of());
	}

	@AfterAll
	static void stopModel() {
		model.close();
	}

	@BeforeEach
	void workspace() {
		RealServices.require(binary != null, "opencode (npm opencode-ai, installed by scripts/install-opencode.sh)");
		web = web.mutate().responseTimeout(TURN).build();
		if (!workspaceReady) {
			web.post().uri("/api/v1/workspaces").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", WS, "runtime", "local")).exchange().expectStatus().isCreated();
			web.post().uri("/api/v1/workspaces/{ws}/start", WS).headers(this::auth).exchange().expectStatus().isOk();
			workspaceReady = true;
		}
	}

	@Test
	void streamsATurnToDoneWithTextAndTheModelsUsage() {
		String session = createSession("first");
		List<ServerSentEvent<Map<String, Object>>> events = send(session, "hi [[fake:reply=pong pong]] [[fake:prompt_tokens=7]] [[fake:completion_tokens=3]]", null);

		assertThat(types(events)).startsWith("message.started").endsWith("done").contains("text.delta", "usage");
		assertThat(text(events)).isEqualTo("pong pong");
		Map<String, Object> used = only(events, "usage");
		assertThat(used).containsEntry("inputTokens", 7).containsEntry("outputTokens", 3)
			.containsEntry("model", "fake-model").containsEntry("provider", "fake").containsEntry("agent", "opencode");
		assertThat(used.get("dedupeKey").toString()).startsWith("opencode:msg_");
		assertThat(only(events, "done")).containsEntry("status", "completed");
		assertThat(events).extracting(event -> Long.parseLong(event.id())).isSorted().doesNotHaveDuplicates();
		verify(usage, atLeastOnce()).record(argThat(record -> record.inputTokens() == 7 && record.sessionId().equals(session)));
		web.get().uri("/api/v1/usage/records?sessionId={id}", session).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(1)
			.jsonPath("$.items[0].key").isEqualTo(used.get("dedupeKey"))
			.jsonPath("$.items[0].input").isEqualTo(7)
			.jsonPath("$.items[0].output").isEqualTo(3)
			.jsonPath("$.items[0].agent").isEqualTo("opencode")
			.jsonPath("$.items[0].costSource").isEqualTo("reported")
			.jsonPath("$.items[0].source").isEqualTo("chat");
	}

	@Test
	void resumesTheSameSessionLaterOnTheSameServer() {
		String session = createSession("resume");
		assertThat(text(send(session, "one [[fake:reply=first]]", null))).isEqualTo("first");
		Map<String, Object> before = serverState();
		assertThat(text(send(session, "two [[fake:reply=second]]", null))).isEqualTo("second");
		Map<String, Object> after = serverState();

		assertThat(after).containsEntry("status", "running").containsEntry("version", "1.18.33");
		assertThat(after.get("pid")).isEqualTo(before.get("pid"));
		assertThat(after.get("port")).isEqualTo(before.get("port"));
	}

	@Test
	void answersAnUnknownSessionWithNotFoundAndSendsNothing() {
		createSession("warm-up");
		int prompts = model.prompts().size();
		web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, "ses_0000000000000000000000unknown")
			.headers(this::auth).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "anyone?"))
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/session-not-found")
			.jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("data directory", "restarted", "mistyped"));
		assertThat(model.prompts()).hasSize(prompts);
	}

	@Test
	void rejectsAMalformedSessionIdWithoutAskingOpenCode() {
		web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, "not-a-session")
			.headers(this::auth).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "hi"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/invalid-session-id");
	}

	@Test
	void answersAbortOfAnUnknownSessionWithNotFound() {
		web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/abort", WS, "ses_0000000000000000000000unknown")
			.headers(this::auth).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/session-not-found");
	}

	@Test
	void abortsARunningTurn() {
		String session = createSession("abort");
		Flux<ServerSentEvent<Map<String, Object>>> turn = stream(session, "wait [[fake:mode=hang]]", null);
		List<ServerSentEvent<Map<String, Object>>> events = turn
			.concatMap(event -> !"message.started".equals(event.event()) ? Flux.just(event)
					: Flux.just(event).concatWith(abort(session)))
			.takeUntil(ChatIntegrationTests::terminal)
			.collectList()
			.block(TURN);

		assertThat(types(events)).startsWith("message.started").endsWith("done");
		assertThat(only(events, "done")).containsEntry("status", "aborted");
		assertThat(only(events, "usage")).containsEntry("errorCode", "MessageAbortedError");
	}

	@Test
	void replaysMissedEventsWithLastEventIdAfterTheViewerLeft() {
		String session = createSession("replay");
		List<ServerSentEvent<Map<String, Object>>> seen = stream(session, "long [[fake:reply=abcdefghijklmnop]] [[fake:chunks=8]]", null)
			.take(2).collectList().block(TURN);
		String lastSeen = seen.get(seen.size() - 1).id();

		List<ServerSentEvent<Map<String, Object>>> rest = web.get()
			.uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/events", WS, session)
			.headers(this::auth).header("Last-Event-ID", lastSeen).accept(MediaType.TEXT_EVENT_STREAM)
			.exchange().expectStatus().isOk().returnResult(EVENTS).getResponseBody()
			.filter(event -> event.event() != null)
			.takeUntil(ChatIntegrationTests::terminal)
			.collectList().block(TURN);

		List<ServerSentEvent<Map<String, Object>>> all = new ArrayList<>(seen);
		all.addAll(rest);
		assertThat(Long.parseLong(rest.get(0).id())).isEqualTo(Long.parseLong(lastSeen) + 1);
		assertThat(text(all)).isEqualTo("abcdefghijklmnop");
		assertThat(types(all)).endsWith("done");
	}

	@Test
	void followsOnlyNewEventsWithoutLastEventIdAndTheWholeBufferFromZero() {
		String session = createSession("live-only");
		List<ServerSentEvent<Map<String, Object>>> before = send(session, "[[fake:reply=before]]", null);
		long lastBefore = Long.parseLong(before.get(before.size() - 1).id());

		Flux<ServerSentEvent<Map<String, Object>>> live = follow(session, null);
		List<ServerSentEvent<Map<String, Object>>> next = send(session, "[[fake:reply=after]]", null);
		List<ServerSentEvent<Map<String, Object>>> seen = live.takeUntil(ChatIntegrationTests::terminal).collectList().block(TURN);

		assertThat(Long.parseLong(seen.get(0).id())).as("nothing replayed").isEqualTo(lastBefore + 1);
		assertThat(text(seen)).isEqualTo("after");
		assertThat(seen).extracting(ServerSentEvent::id).isEqualTo(next.stream().map(ServerSentEvent::id).toList());
		List<ServerSentEvent<Map<String, Object>>> all = follow(session, "0").takeUntil(ChatIntegrationTests::terminal)
			.collectList().block(TURN);
		assertThat(all.get(0).id()).as("Last-Event-ID 0: from the oldest buffered event").isEqualTo("1");
		assertThat(text(all)).isEqualTo("before");
	}

	@Test
	void neverSendsThePromptTwiceForTheSameIdempotencyKey() {
		String session = createSession("idempotent");
		String marker = "idem-" + System.nanoTime();
		List<ServerSentEvent<Map<String, Object>>> first = send(session, marker + " [[fake:reply=once]]", "key-1");
		List<ServerSentEvent<Map<String, Object>>> again = send(session, marker + " [[fake:reply=once]]", "key-1");

		assertThat(model.requestsContaining(marker)).isEqualTo(1);
		assertThat(text(again)).isEqualTo("once");
		assertThat(again).extracting(ServerSentEvent::id).isEqualTo(first.stream().map(ServerSentEvent::id).toList());
	}

	@Test
	void twoRequestsWithOneKeyAtOnceSendThePromptOnceAndGetTheSameTurn() {
		String session = createSession("idempotent-twins");
		String marker = "idem-twins-" + System.nanoTime();
		Mono<List<ServerSentEvent<Map<String, Object>>>> request = Mono.fromCallable(
				() -> send(session, marker + " [[fake:reply=twins]] [[fake:chunks=8]]", "twin-key"))
			.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());

		var both = Mono.zip(request, request).block(TURN);

		assertThat(model.requestsContaining(marker)).isEqualTo(1);
		assertThat(text(both.getT1())).isEqualTo("twins");
		assertThat(text(both.getT2())).isEqualTo("twins");
	}

	/** Replaying from where the turn began, once the buffer has moved on, would answer with a later turn's events. */
	@Test
	void refusesAKeyWhoseTurnHasLeftTheReplayBuffer() {
		String session = createSession("idempotent-evicted");
		String marker = "idem-evicted-" + System.nanoTime();
		configure(Map.of("opencode.replay-buffer", 10));
		try {
			assertThat(text(send(session, marker + " [[fake:reply=first]]", "evicted-key"))).isEqualTo("first");
			assertThat(text(send(session, "later [[fake:reply=abcdefghijklmnopqrst]] [[fake:chunks=20]]", null)))
				.isEqualTo("abcdefghijklmnopqrst");

			refused(session, "evicted-key", marker + " [[fake:reply=first]]", "idempotency-key-used");
			assertThat(model.requestsContaining(marker)).isEqualTo(1);
		}
		finally {
			configure(Map.of("opencode.replay-buffer", 1000));
		}
	}

	/**
	 * A request that leaves while its key is being claimed never sent its prompt, but the claim goes on: a retry
	 * with the key must still respect the turn another message runs, and send the prompt only once that ended.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void aRetryOfARequestThatLeftDuringTheClaimWaitsItsTurn() throws InterruptedException {
		String session = createSession("idempotent-left");
		String marker = "idem-left-" + System.nanoTime();
		doAnswer(call -> ((Mono<Boolean>) call.callRealMethod()).delayElement(Duration.ofSeconds(2)))
			.when(idempotencyKeys).claim(WS, session, "slow-claim");

		List<String> left = WebClient.create("http://127.0.0.1:" + port).post()
			.uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, session).headers(this::auth)
			.header("Idempotency-Key", "slow-claim").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("text", marker + " [[fake:reply=late]]"))
			.retrieve().bodyToFlux(String.class)
			.take(Duration.ofMillis(500))
			.collectList().block(TURN);
		assertThat(left).as("left before the claim answered").isEmpty();
		Thread.sleep(2500);

		Flux<ServerSentEvent<Map<String, Object>>> other = stream(session,
				"other [[fake:reply=abcdefghij]] [[fake:chunks=10]] [[fake:delay_ms=300]]", null).cache();
		assertThat(other.next().block(TURN)).isNotNull();
		refused(session, "slow-claim", marker + " [[fake:reply=late]]", "turn-in-progress");
		assertThat(text(other.takeUntil(ChatIntegrationTests::terminal).collectList().block(TURN))).isEqualTo("abcdefghij");
		assertThat(model.requestsContaining(marker)).isZero();

		assertThat(text(send(session, marker + " [[fake:reply=late]]", "slow-claim"))).as("now sent, once").isEqualTo("late");
		assertThat(model.requestsContaining(marker)).isEqualTo(1);
	}

	@Test
	void neverSendsThePromptAgainForAKeyUsedBeforeARestart() {
		String session = createSession("idempotent-restart");
		String marker = "idem-restart-" + System.nanoTime();
		// what a Perch before the restart left: the key in the database, the turn gone with its memory
		assertThat(idempotencyKeys.claim(WS, session, "key-before-restart").block(TURN)).isTrue();

		refused(session, "key-before-restart", marker + " [[fake:reply=twice?]]", "idempotency-key-used")
			.jsonPath("$.sessionId").isEqualTo(session);

		assertThat(model.requestsContaining(marker)).isZero();
		// the session is free for the next message, with a new key
		assertThat(text(send(session, marker + " [[fake:reply=new key]]", "key-after-restart")))
			.isEqualTo("new key");
	}

	@Test
	void streamsASessionOfAnotherProjectDirectoryOfTheSameServer() throws IOException {
		createSession("start-the-server");
		Map<String, Object> server = serverState();
		Path other = Files.createTempDirectory("perch-other-project");
		Map<?, ?> created = WebClient.create("http://" + server.get("host") + ":" + server.get("port")).post()
			.uri(uri -> uri.path("/session").queryParam("directory", "{d}").build(other.toString()))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "elsewhere"))
			.retrieve().bodyToMono(Map.class).block(TURN);
		assertThat(created.get("directory")).isEqualTo(other.toString());

		List<ServerSentEvent<Map<String, Object>>> events = send(created.get("id").toString(), "there [[fake:reply=found it]]", null);

		assertThat(text(events)).isEqualTo("found it");
		assertThat(types(events)).endsWith("done");
	}

	@Test
	void answersNotFoundForASessionTheCliCreatedWithAnotherDataDirectory() throws Exception {
		Path cli = Files.createTempDirectory("perch-oc-cli");
		for (String dir : List.of("data", "config", "cache", "state", "home", "project")) {
			Files.createDirectories(cli.resolve(dir));
		}
		ProcessBuilder run = new ProcessBuilder(binary, "run", "--format", "json", "from the cli [[fake:reply=cli]]")
			.directory(cli.resolve("project").toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.redirectErrorStream(true);
		run.environment().clear();
		run.environment().putAll(OpenCodeInstallation.environment(config));
		run.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
		run.environment().put("HOME", cli.resolve("home").toString());
		for (String dir : List.of("DATA", "CONFIG", "CACHE", "STATE")) {
			run.environment().put("XDG_" + dir + "_HOME", cli.resolve(dir.toLowerCase()).toString());
		}
		Process process = run.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
		Matcher id = Pattern.compile("\"sessionID\":\"(ses_[A-Za-z0-9]+)\"").matcher(output);
		assertThat(id.find()).as("the CLI printed its session id: %s", output).isTrue();
		createSession("perch-side");

		web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, id.group(1))
			.headers(this::auth).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "resume it"))
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/session-not-found");
	}

	@Test
	void givesUpOnAStalledOrFailingModelWithAnErrorEventAndAbortsTheTurnUpstream() {
		configure(Map.of("opencode.first-event-timeout", "3s", "opencode.turn-timeout", "8s"));
		try {
			for (String mode : List.of("hang", "error", "drop")) {
				String session = createSession("stalled-" + mode);
				List<ServerSentEvent<Map<String, Object>>> events = send(session, "stall [[fake:mode=" + mode + "]]", null);

				assertThat(types(events)).as(mode).endsWith("error");
				Map<String, Object> problem = only(events, "error");
				assertThat(problem.get("type")).as(mode).isEqualTo("https://perch.dev/problems/turn-timeout");
				assertThat(problem.get("detail").toString()).contains("aborted");
				assertThat(busy(session)).as("%s: OpenCode no longer runs the turn", mode).isFalse();
			}
		}
		finally {
			configure(Map.of("opencode.first-event-timeout", "120s", "opencode.turn-timeout", "30m"));
		}
	}

	// ---- helpers ----

	private String createSession(String title) {
		Map<?, ?> body = web.post().uri("/api/v1/workspaces/{ws}/sessions", WS).headers(this::auth)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", title))
			.exchange().expectStatus().isCreated()
			.expectBody(Map.class).returnResult().getResponseBody();
		assertThat(body.get("id").toString()).startsWith("ses_");
		return body.get("id").toString();
	}

	private List<ServerSentEvent<Map<String, Object>>> send(String session, String text, String key) {
		return stream(session, text, key).takeUntil(ChatIntegrationTests::terminal).collectList().block(TURN);
	}

	private Flux<ServerSentEvent<Map<String, Object>>> stream(String session, String text, String key) {
		return web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, session)
			.headers(this::auth)
			.headers(headers -> {
				if (key != null) {
					headers.set("Idempotency-Key", key);
				}
			})
			.contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("text", text))
			.exchange().expectStatus().isOk()
			.returnResult(EVENTS).getResponseBody()
			.filter(event -> event.event() != null);
	}

	/** A message with an Idempotency-Key that Perch must refuse: 409 with this problem type. */
	private WebTestClient.BodyContentSpec refused(String session, String key, String text, String problem) {
		return web.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, session)
			.headers(this::auth).header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", text))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/" + problem);
	}

	private Flux<ServerSentEvent<Map<String, Object>>> follow(String session, String lastEventId) {
		return web.get().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/events", WS, session)
			.headers(this::auth)
			.headers(headers -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", lastEventId);
				}
			})
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange().expectStatus().isOk()
			.returnResult(EVENTS).getResponseBody()
			.filter(event -> event.event() != null);
	}

	private Flux<ServerSentEvent<Map<String, Object>>> abort(String session) {
		return WebClient.create("http://127.0.0.1:" + port).post()
			.uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/abort", WS, session).headers(this::auth)
			.retrieve().toBodilessEntity()
			.doOnNext(response -> assertThat(response.getStatusCode().value()).isEqualTo(204))
			.thenMany(Flux.empty());
	}

	private Map<String, Object> serverState() {
		return web.get().uri("/api/v1/workspaces/{ws}/opencode", WS).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	/** Whether OpenCode still lists the session as busy, asked until it is not (bounded). */
	private boolean busy(String session) {
		Map<String, Object> server = serverState();
		WebClient opencode = WebClient.create("http://" + server.get("host") + ":" + server.get("port"));
		return Flux.interval(Duration.ZERO, Duration.ofMillis(250))
			.concatMap(tick -> opencode.get().uri("/session/status").retrieve().bodyToMono(Map.class))
			.map(status -> status.containsKey(session))
			.takeUntil(busy -> !busy)
			.take(Duration.ofSeconds(15))
			.last(true)
			.block(Duration.ofSeconds(20));
	}

	private void configure(Map<String, Object> values) {
		web.patch().uri("/api/v1/config").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(values).exchange().expectStatus().isOk();
	}

	private void auth(org.springframework.http.HttpHeaders headers) {
		headers.setBearerAuth("test-token");
	}

	private static boolean terminal(ServerSentEvent<Map<String, Object>> event) {
		return "done".equals(event.event()) || "error".equals(event.event());
	}

	private static List<String> types(List<ServerSentEvent<Map<String, Object>>> events) {
		return events.stream().map(ServerSentEvent::event).toList();
	}

	private static String text(List<ServerSentEvent<Map<String, Object>>> events) {
		return events.stream().filter(event -> "text.delta".equals(event.event()))
			.filter(event -> "text".equals(event.data().get("kind")))
			.map(event -> event.data().get("text").toString()).reduce("", String::concat);
	}

	private static Map<String, Object> only(List<ServerSentEvent<Map<String, Object>>> events, String type) {
		List<Map<String, Object>> found = events.stream().filter(event -> type.equals(event.event()))
			.map(ServerSentEvent::data).toList();
		assertThat(found).as("exactly one %s event in %s", type, types(events)).hasSize(1);
		return found.get(0);
	}

}
