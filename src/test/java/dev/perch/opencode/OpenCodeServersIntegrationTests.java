package dev.perch.opencode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.perch.support.RealServices;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle of the managed opencode serve: started on demand, state shown, restarted after it died, stopped when idle. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class OpenCodeServersIntegrationTests {

	private static final String WS = "servers-it";

	private static final FakeModel model = new FakeModel();

	private static final String binary = OpenCodeInstallation.binary();

	private static boolean workspaceReady;

	@Autowired
	private WebTestClient web;

	@Autowired
	private OpenCodeServers servers;

	@DynamicPropertySource
	static void opencode(DynamicPropertyRegistry registry) throws IOException {
		OpenCodeInstallation.register(registry, model, "4250-4299", Map.of());
	}

	@AfterAll
	static void stopModel() {
		model.close();
	}

	@BeforeEach
	void workspace() {
		RealServices.require(binary != null, "opencode (npm opencode-ai, installed by scripts/install-opencode.sh)");
		web = web.mutate().responseTimeout(Duration.ofSeconds(120)).build();
		if (!workspaceReady) {
			web.post().uri("/api/v1/workspaces").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", WS, "runtime", "local")).exchange().expectStatus().isCreated();
			web.post().uri("/api/v1/workspaces/{ws}/start", WS).headers(this::auth).exchange().expectStatus().isOk();
			workspaceReady = true;
		}
	}

	@Test
	void startsOnDemandShowsItsStateRestartsAfterDyingAndStopsWhenIdle() throws Exception {
		assertThat(state()).containsEntry("status", "stopped");

		createSession();
		Map<String, Object> running = state();
		assertThat(running).containsEntry("status", "running").containsEntry("version", "1.18.33")
			.containsEntry("host", "127.0.0.1");
		assertThat((Integer) running.get("port")).isBetween(4250, 4299);
		Path home = Path.of(web.get().uri("/api/v1/workspaces/{ws}", WS).headers(this::auth).exchange()
			.expectBody(Map.class).returnResult().getResponseBody().get("home").toString());
		assertThat(home.resolve(".local/share/opencode")).as("state inside the workspace home").isDirectory();

		ProcessHandle first = ProcessHandle.of(((Number) running.get("pid")).longValue()).orElseThrow();
		first.destroyForcibly();
		first.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
		createSession();
		Map<String, Object> restarted = state();
		assertThat(restarted).containsEntry("status", "running");
		assertThat(restarted.get("pid")).isNotEqualTo(running.get("pid"));

		web.patch().uri("/api/v1/config").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("opencode.idle-stop", "1s")).exchange().expectStatus().isOk();
		StepVerifier.create(Flux.interval(Duration.ofMillis(200)).onBackpressureDrop()
				.concatMap(tick -> servers.stopIdle().then(servers.state(WS)))
				.filter(state -> "stopped".equals(state.status()))
				.next())
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(30));
		assertThat(state()).containsEntry("status", "stopped");
		assertThat(ProcessHandle.of(((Number) restarted.get("pid")).longValue()).map(ProcessHandle::isAlive).orElse(false))
			.as("the stopped process is gone").isFalse();
		web.patch().uri("/api/v1/config").headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("opencode.idle-stop", "15m")).exchange().expectStatus().isOk();
	}

	@Test
	void showsItsSettingsInTheConfigurationApi() {
		web.get().uri("/api/v1/config").headers(this::auth).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.settings[?(@.key == 'opencode.existence-timeout')]").exists()
			.jsonPath("$.settings[?(@.key == 'opencode.first-event-timeout')]").exists()
			.jsonPath("$.settings[?(@.key == 'opencode.idle-stop')]").exists()
			.jsonPath("$.settings[?(@.key == 'opencode.replay-buffer')]").exists();
	}

	@Test
	void answersAnUnknownWorkspaceWithNotFound() {
		web.get().uri("/api/v1/workspaces/{ws}/opencode", "no-such-ws").headers(this::auth).exchange()
			.expectStatus().isNotFound();
	}

	private void createSession() {
		web.post().uri("/api/v1/workspaces/{ws}/sessions", WS).headers(this::auth).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of()).exchange().expectStatus().isCreated();
	}

	private Map<String, Object> state() {
		return web.get().uri("/api/v1/workspaces/{ws}/opencode", WS).headers(this::auth).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	private void auth(HttpHeaders headers) {
		headers.setBearerAuth("test-token");
	}

}
