package dev.perch.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The writable configuration: validated, persisted, applied without a restart, with its source shown. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@TestPropertySource(properties = "perch.workspaces.ports=21000-21099")
class ConfigApiIntegrationTests {

	@Autowired
	private WebTestClient client;

	private WebTestClient web() {
		return client.mutate().defaultHeader("Authorization", "Bearer test-token").responseTimeout(Duration.ofSeconds(20)).build();
	}

	@Test
	void showsPropertyValuesAsDefaults() {
		web().get().uri("/api/v1/config").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.settings[?(@.key == 'workspaces.ports')].value").isEqualTo(List.of("21000-21099"))
			.jsonPath("$.settings[?(@.key == 'workspaces.ports')].source").isEqualTo(List.of("default"))
			.jsonPath("$.settings[?(@.key == 'workspaces.exec.default-timeout')].value").isEqualTo(List.of("30s"));
	}

	@Test
	void appliesAPatchWithoutRestartAndRevertsOnNull() {
		web().patch().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("workspaces.exec.default-timeout", "1s")).exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.settings[?(@.key == 'workspaces.exec.default-timeout')].source").isEqualTo(List.of("api"));

		String name = "cfg-" + System.nanoTime();
		web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", name))
			.exchange().expectStatus().isCreated();
		web().post().uri("/api/v1/workspaces/{name}/start", name).exchange().expectStatus().isOk();
		web().post().uri("/api/v1/workspaces/{name}/exec", name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("argv", List.of("sleep", "5"))).exchange()
			.expectStatus().isEqualTo(504);

		web().patch().uri("/api/v1/config").contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"workspaces.exec.default-timeout\": null}").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.settings[?(@.key == 'workspaces.exec.default-timeout')].value").isEqualTo(List.of("30s"))
			.jsonPath("$.settings[?(@.key == 'workspaces.exec.default-timeout')].source").isEqualTo(List.of("default"));
	}

	@Test
	void replacesEverythingOnPut() {
		web().put().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("workspaces.default-image", "alpine:3.20", "workspaces.ports", "22000-22010"))
			.exchange().expectStatus().isOk();
		web().put().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("workspaces.ports", "23000-23010"))
			.exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.settings[?(@.key == 'workspaces.default-image')].source").isEqualTo(List.of("default"))
			.jsonPath("$.settings[?(@.key == 'workspaces.ports')].value").isEqualTo(List.of("23000-23010"));
		web().put().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
			.exchange().expectStatus().isOk();
	}

	@Test
	void rejectsABadValueAndChangesNothing() {
		web().patch().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("workspaces.default-image", "good:1", "workspaces.ports", "80-90", "no.such-key", true))
			.exchange().expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/validation-failed")
			.jsonPath("$.errors.length()").isEqualTo(2);

		String body = web().get().uri("/api/v1/config").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(body).doesNotContain("good:1");
	}

	@Test
	void rejectsAValueOfTheWrongType() {
		web().patch().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("workspaces.exec.max-timeout", 12)).exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[0].field").isEqualTo("workspaces.exec.max-timeout");
		web().put().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON).bodyValue("[1,2]")
			.exchange().expectStatus().isBadRequest();
	}

}
