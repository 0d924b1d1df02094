package dev.perch.workspace.runtime.docker;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The Docker engine cannot be reached (its socket does not exist): docker workspaces answer a 503
 * {@code runtime-unavailable} problem, and everything else keeps working. Needs no engine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@TestPropertySource(properties = "perch.workspaces.docker.socket=/nonexistent.sock")
class DockerRuntimeUnavailableIntegrationTests {

	/** Well below the engine API timeout (30 s): an unreachable engine must fail fast, not wait it out. */
	private static final Duration FAST = Duration.ofSeconds(5);

	@Autowired
	private WebTestClient web;

	@Autowired
	private DatabaseClient database;

	@BeforeEach
	void authenticate() {
		web = web.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer test-token").responseTimeout(FAST).build();
	}

	@Test
	void refusesToCreateADockerWorkspaceWithAServiceUnavailableProblem() {
		String name = name();

		web.post().uri("/api/v1/workspaces")
			.bodyValue(Map.of("name", name, "runtime", "docker", "image", "perch-test/workspace:1"))
			.exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/runtime-unavailable")
			.jsonPath("$.runtime").isEqualTo("docker")
			.jsonPath("$.detail").value(detail -> org.assertj.core.api.Assertions.assertThat((String) detail)
				.contains("/nonexistent.sock"));
		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNotFound();
	}

	@Test
	void answersServiceUnavailableForAStoredDockerWorkspaceWhileTheRestOfTheApiWorks() {
		String docker = name();
		storedDockerWorkspace(docker);
		String local = name();

		web.get().uri("/api/v1/workspaces/{name}", docker).exchange()
			.expectStatus().isEqualTo(503)
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/runtime-unavailable");
		web.post().uri("/api/v1/workspaces/{name}/start", docker).exchange()
			.expectStatus().isEqualTo(503)
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/runtime-unavailable");
		web.post().uri("/api/v1/workspaces/{name}/exec", docker)
			.bodyValue(Map.of("argv", List.of("true")))
			.exchange()
			.expectStatus().isEqualTo(503);

		web.post().uri("/api/v1/workspaces")
			.bodyValue(Map.of("name", local, "runtime", "local"))
			.exchange()
			.expectStatus().isCreated();
		web.post().uri("/api/v1/workspaces/{name}/start", local).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("running");
		web.get().uri("/api/v1/workspaces").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items[?(@.name == '" + docker + "')].status").isEqualTo(List.of("unknown"))
			.jsonPath("$.items[?(@.name == '" + local + "')].status").isEqualTo(List.of("running"));
		web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

		web.delete().uri("/api/v1/workspaces/{name}", local).exchange().expectStatus().isNoContent();
	}

	/** A docker workspace created while the engine was up, as the database holds it. */
	private void storedDockerWorkspace(String name) {
		database.sql("INSERT INTO workspace (name, runtime, image, status, env, ports, runtime_id, created_at, last_used_at, version) "
				+ "VALUES (:name, 'docker', 'perch-test/workspace:1', 'running', '{}', '[]', :id, :now, :now, 0)")
			.bind("name", name)
			.bind("id", "0123456789abcdef".repeat(4))
			.bind("now", OffsetDateTime.now(ZoneOffset.UTC))
			.then()
			.block(FAST);
	}

	private static String name() {
		return "du-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
