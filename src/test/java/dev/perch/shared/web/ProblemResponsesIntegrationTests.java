package dev.perch.shared.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Everything a client can get wrong answers with an RFC 9457 problem, never a 5xx or a stack trace. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class ProblemResponsesIntegrationTests {

	@Autowired
	private WebTestClient client;

	@org.springframework.boot.test.web.server.LocalServerPort
	private int port;

	private WebTestClient web() {
		return client.mutate().defaultHeader("Authorization", "Bearer test-token").responseTimeout(Duration.ofSeconds(20)).build();
	}

	private WebTestClient.BodyContentSpec expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String slug) {
		return response.expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/" + slug)
			.jsonPath("$.status").isEqualTo(status.value())
			.jsonPath("$.title").exists()
			.jsonPath("$.detail").exists()
			.jsonPath("$.trace").doesNotExist();
	}

	@Test
	void rejectsMalformedJson() {
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\": ").exchange(), HttpStatus.BAD_REQUEST, "malformed-request");
	}

	@Test
	void rejectsAWrongJsonType() {
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\": \"ok\", \"env\": [1, 2]}").exchange(), HttpStatus.BAD_REQUEST, "malformed-request");
	}

	@Test
	void listsEveryInvalidField() {
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "-Bad_Name-", "runtime", "podman", "env", Map.of("1BAD", "x"))).exchange(),
				HttpStatus.BAD_REQUEST, "validation-failed")
			.jsonPath("$.errors[?(@.field == 'name')]").exists()
			.jsonPath("$.errors[?(@.field == 'runtime')]").exists()
			.jsonPath("$.errors.length()").isEqualTo(3);
	}

	@Test
	void rejectsAMissingName() {
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}").exchange(), HttpStatus.BAD_REQUEST, "validation-failed")
			.jsonPath("$.errors[0].field").isEqualTo("name");
	}

	@Test
	void answersUnknownRoutesWithNotFound() {
		expectProblem(web().get().uri("/api/v1/nothing-here").exchange(), HttpStatus.NOT_FOUND, "not-found");
	}

	@Test
	void answersUnknownWorkspacesWithNotFound() {
		expectProblem(web().get().uri("/api/v1/workspaces/no-such-one").exchange(), HttpStatus.NOT_FOUND,
				"workspace-not-found")
			.jsonPath("$.workspace").isEqualTo("no-such-one");
		expectProblem(web().post().uri("/api/v1/workspaces/{name}/start", "Not_A_Name").exchange(), HttpStatus.NOT_FOUND,
				"workspace-not-found");
	}

	@Test
	void refusesEncodedTraversalInThePath() {
		expectProblem(web().get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/workspaces/..%2F..%2Fetc")).exchange(),
				HttpStatus.BAD_REQUEST, "malformed-request");
	}

	@Test
	void answersAWrongMethodWithAllow() {
		expectProblem(web().patch().uri("/api/v1/workspaces").exchange(), HttpStatus.METHOD_NOT_ALLOWED,
				"method-not-allowed");
		web().patch().uri("/api/v1/workspaces").exchange().expectHeader().exists("Allow");
	}

	@Test
	void rejectsAnUnsupportedMediaType() {
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.TEXT_PLAIN).bodyValue("name=x")
			.exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
	}

	@Test
	void rejectsABodyOverTheCap() {
		String big = "x".repeat(2 * 1024 * 1024);
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\":\"big\",\"image\":\"" + big + "\"}").exchange(), HttpStatus.CONTENT_TOO_LARGE,
				"payload-too-large");
	}

	@Test
	void rejectsABadQueryParameter() {
		expectProblem(web().get().uri("/api/v1/workspaces?status=sleeping").exchange(), HttpStatus.BAD_REQUEST,
				"malformed-request");
		expectProblem(web().get().uri("/api/v1/workspaces?size=0").exchange(), HttpStatus.BAD_REQUEST,
				"validation-failed");
	}

	@Test
	void refusesADuplicateName() {
		web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "twice")).exchange().expectStatus().isCreated();
		expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "twice")).exchange(), HttpStatus.CONFLICT, "workspace-exists");
	}

	@Test
	void rejectsADangerousRepository() {
		for (String repository : new String[] { "--upload-pack=touch /tmp/pwned", "ext::sh -c touch% /tmp/pwned",
				"file:///etc", "http://[::1", "/local/path" }) {
			expectProblem(web().post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "repo-check", "repository", repository)).exchange(), HttpStatus.BAD_REQUEST,
					"validation-failed")
				.jsonPath("$.errors[0].field").isEqualTo("repository");
		}
	}

	@Test
	void requiresTheBearerToken() {
		expectProblem(client.get().uri("/api/v1/workspaces").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
		expectProblem(client.get().uri("/api/v1/workspaces").header("Authorization", "Bearer wrong").exchange(),
				HttpStatus.UNAUTHORIZED, "unauthorized");
		client.get().uri("/api/v1/workspaces").exchange().expectHeader().valueEquals("WWW-Authenticate", "Bearer");
	}

	@Test
	void keepsHealthAndTheApiDescriptionPublic() {
		// no token, and the patience of web(): the first /v3/api-docs builds the description (seconds on a busy machine)
		WebTestClient anonymous = client.mutate().responseTimeout(Duration.ofSeconds(20)).build();
		anonymous.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		anonymous.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		anonymous.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.paths['/api/v1/workspaces']").exists();
	}

	@Test
	void servesPrometheusMetricsToTheTokenHolder() {
		client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		web().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body).contains("jvm_"));
	}

}
