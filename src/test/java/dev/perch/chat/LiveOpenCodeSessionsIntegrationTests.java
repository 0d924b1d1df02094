package dev.perch.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.opencode.FakeModel;
import dev.perch.session.MessagePage;
import dev.perch.session.MessagePart;
import dev.perch.session.SessionMessage;
import dev.perch.opencode.OpenCodeInstallation;
import dev.perch.opencode.OpenCodeServers;
import dev.perch.support.RealServices;
import reactor.core.publisher.Sinks;

/**
 * Deleting an OpenCode session through the sessions API while the workspace's OpenCode server runs: the
 * delete goes through that server (real {@code opencode serve}, pinned npm {@code opencode-ai}), which then
 * no longer knows the session; the session leaves Perch's list too. Without a running server the delete
 * goes to OpenCode's storage (covered by {@code SessionApiIntegrationTests}), and deleting never starts one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class LiveOpenCodeSessionsIntegrationTests {

	private static final Duration TURN = Duration.ofSeconds(90);

	private static final FakeModel model = new FakeModel();

	private static final String binary = OpenCodeInstallation.binary();

	@Autowired
	private WebTestClient web;

	@Autowired
	private OpenCodeServers servers;

	@MockitoSpyBean
	private LiveOpenCodeSessions live;

	@DynamicPropertySource
	static void opencode(DynamicPropertyRegistry registry) throws IOException {
		OpenCodeInstallation.register(registry, model, "4300-4319", Map.of());
	}

	@AfterAll
	static void stopModel() {
		model.close();
	}

	@Test
	void deletesThroughTheRunningServerSoItForgetsTheSession() throws Exception {
		RealServices.require(binary != null, "opencode (npm opencode-ai, installed by scripts/install-opencode.sh)");
		web = web.mutate().responseTimeout(TURN).build();
		String ws = "live-delete";
		web.post().uri("/api/v1/workspaces").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws, "runtime", "local")).exchange().expectStatus().isCreated();
		web.post().uri("/api/v1/workspaces/{ws}/start", ws).headers(this::auth).exchange().expectStatus().isOk();
		String keep = createSession(ws, "keep");
		String gone = createSession(ws, "to delete");
		Map<String, Object> server = serverState(ws);
		assertThat(server).containsEntry("status", "running");
		WebClient opencode = WebClient.create("http://" + server.get("host") + ":" + server.get("port"));

		web.get().uri("/api/v1/workspaces/{ws}/sessions?agent=opencode", ws).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items[*].id").value(ids -> assertThat(ids.toString()).contains(keep, gone));

		// OpenCode announces a delete made through its API on its event stream (a delete in storage is silent)
		Sinks.Empty<Void> listening = Sinks.empty();
		var announced = opencode.get().uri("/global/event").accept(MediaType.TEXT_EVENT_STREAM).retrieve()
			.bodyToFlux(String.class)
			.doOnNext(event -> listening.tryEmitEmpty()) // OpenCode greets every listener with server.connected
			.filter(event -> event.contains("session.deleted") && event.contains(gone))
			.next()
			.timeout(Duration.ofSeconds(30))
			.toFuture();
		listening.asMono().block(Duration.ofSeconds(30)); // the subscription is open before the delete

		web.delete().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}", ws, gone).headers(this::auth).exchange()
			.expectStatus().isNoContent();

		verify(live).delete(ws, gone);
		assertThat(announced.get()).contains(gone);
		assertThat(status(opencode, gone)).isEqualTo(404);
		assertThat(status(opencode, keep)).isEqualTo(200);
		web.get().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}", ws, gone).headers(this::auth).exchange()
			.expectStatus().isNotFound();
		web.get().uri("/api/v1/workspaces/{ws}/sessions?agent=opencode", ws).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items[*].id").value(ids -> assertThat(ids.toString()).contains(keep).doesNotContain(gone));

		// with the server stopped, a delete goes to storage and does not start a server
		servers.stop(ws).block(TURN);
		web.delete().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}", ws, keep).headers(this::auth).exchange()
			.expectStatus().isNoContent();
		assertThat(serverState(ws)).containsEntry("status", "stopped");
		web.get().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}", ws, keep).headers(this::auth).exchange()
			.expectStatus().isNotFound();
	}

	@Test
	void readsTheNewestHistoryAndMetadataThroughTheRunningServerAndOlderPagesFromStorage() {
		RealServices.require(binary != null, "opencode (npm opencode-ai, installed by scripts/install-opencode.sh)");
		web = web.mutate().responseTimeout(TURN).build();
		String ws = "live-read";
		web.post().uri("/api/v1/workspaces").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws, "runtime", "local")).exchange().expectStatus().isCreated();
		web.post().uri("/api/v1/workspaces/{ws}/start", ws).headers(this::auth).exchange().expectStatus().isOk();
		String id = createSession(ws, "before");
		Map<String, Object> server = serverState(ws);
		WebClient opencode = WebClient.create("http://" + server.get("host") + ":" + server.get("port"));
		for (String turn : List.of("first [[fake:reply=one]]", "second [[fake:reply=two]]")) {
			opencode.post().uri("/session/{id}/message", id).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("parts", List.of(Map.of("type", "text", "text", turn))))
				.retrieve().toBodilessEntity().block(TURN);
		}
		// renamed through OpenCode itself: the running server answers the new title at once
		opencode.patch().uri("/session/{id}", id).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "after"))
			.retrieve().toBodilessEntity().block(TURN);
		String session = "/api/v1/workspaces/{ws}/sessions/opencode/{id}";

		web.get().uri(session, ws, id).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.title").isEqualTo("after");
		verify(live).session(ws, id);

		List<SessionMessage> throughServer = history(ws, id);
		verify(live).messages(ws, id, 2);
		assertThat(throughServer).extracting(SessionMessage::role).containsExactly("user", "assistant", "user", "assistant");
		assertThat(throughServer.get(3).parts()).extracting(MessagePart::text).contains("two");

		servers.stop(ws).block(TURN);
		clearInvocations(live);
		assertThat(history(ws, id)).as("the same pages and cursors from storage").isEqualTo(throughServer);
		web.get().uri(session, ws, id).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.title").isEqualTo("after");
		assertThat(serverState(ws)).as("reading never starts a server").containsEntry("status", "stopped");
	}

	/** The whole history, one message a page from the tail. */
	private List<SessionMessage> history(String ws, String id) {
		List<SessionMessage> all = new ArrayList<>();
		String before = null;
		do {
			String cursor = before;
			MessagePage page = web.get()
				.uri(uri -> uri.path("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages").queryParam("limit", 1)
					.queryParamIfPresent("before", java.util.Optional.ofNullable(cursor)).build(ws, id))
				.headers(this::auth).exchange().expectStatus().isOk()
				.expectBody(MessagePage.class).returnResult().getResponseBody();
			all.addAll(0, page.items());
			before = page.before();
		}
		while (before != null);
		return all;
	}

	private static int status(WebClient opencode, String session) {
		return opencode.get().uri("/session/{id}", session).exchangeToMono(response -> response.releaseBody()
			.thenReturn(response.statusCode().value())).block(TURN);
	}

	private String createSession(String ws, String title) {
		Map<?, ?> body = web.post().uri("/api/v1/workspaces/{ws}/sessions", ws).headers(this::auth)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", title))
			.exchange().expectStatus().isCreated()
			.expectBody(Map.class).returnResult().getResponseBody();
		return body.get("id").toString();
	}

	private Map<String, Object> serverState(String ws) {
		return web.get().uri("/api/v1/workspaces/{ws}/opencode", ws).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	private void auth(HttpHeaders headers) {
		headers.setBearerAuth("test-token");
	}

}
