package dev.perch.workspace;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Requests the workspace tests share. */
final class WorkspaceFixtures {

	static final String TOKEN = "Bearer test-token";

	private WorkspaceFixtures() {
	}

	static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static WebTestClient authorized(WebTestClient client) {
		return client.mutate().defaultHeader("Authorization", TOKEN).build();
	}

	static WorkspaceResponse create(WebTestClient web, Map<String, Object> body) {
		return web.post()
			.uri("/api/v1/workspaces")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(WorkspaceResponse.class)
			.returnResult()
			.getResponseBody();
	}

	static WorkspaceResponse start(WebTestClient web, String name) {
		return web.post()
			.uri("/api/v1/workspaces/{name}/start", name)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(WorkspaceResponse.class)
			.returnResult()
			.getResponseBody();
	}

	static ExecResult exec(WebTestClient web, String name, List<String> argv) {
		return web.post()
			.uri("/api/v1/workspaces/{name}/exec", name)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("argv", argv))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ExecResult.class)
			.returnResult()
			.getResponseBody();
	}

}
