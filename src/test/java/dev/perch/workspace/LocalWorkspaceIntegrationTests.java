package dev.perch.workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static dev.perch.workspace.WorkspaceFixtures.create;
import static dev.perch.workspace.WorkspaceFixtures.exec;
import static dev.perch.workspace.WorkspaceFixtures.start;
import static dev.perch.workspace.WorkspaceFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole workspace lifecycle on the local runtime, through the HTTP API, with real host processes and git. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@TestPropertySource(properties = { "perch.workspaces.repository-schemes=https,file", "perch.sse.heartbeat=200ms" })
class LocalWorkspaceIntegrationTests {

	@Autowired
	private WebTestClient client;

	private WebTestClient web;

	@BeforeEach
	void authorize() {
		web = WorkspaceFixtures.authorized(client).mutate()
			.responseTimeout(Duration.ofSeconds(30))
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build();
	}

	@Test
	void runsTheWholeLifecycle() {
		String name = uniqueName("life");
		WorkspaceResponse created = create(web, Map.of("name", name, "env", Map.of("GREETING", "hello")));
		assertThat(created.status()).isEqualTo(WorkspaceStatus.STOPPED);
		assertThat(created.runtime()).isEqualTo("local");
		assertThat(Path.of(created.home())).isDirectory();

		assertThat(start(web, name).status()).isEqualTo(WorkspaceStatus.RUNNING);
		assertThat(start(web, name).status()).as("start is idempotent").isEqualTo(WorkspaceStatus.RUNNING);

		ExecResult result = exec(web, name, List.of("sh", "-c", "echo $GREETING; pwd; echo err >&2; exit 3"));
		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.stdout()).isEqualTo("hello\n" + created.home() + "\n");
		assertThat(result.stderr()).isEqualTo("err\n");

		web.post().uri("/api/v1/workspaces/{name}/stop", name).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("stopped");
		web.post().uri("/api/v1/workspaces/{name}/exec", name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("argv", List.of("true"))).exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/workspace-state-conflict");

		web.delete().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNoContent();
		assertThat(Path.of(created.home())).doesNotExist();
		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/workspace-not-found");
	}

	@Test
	void passesArgvWithoutAShell() {
		String name = uniqueName("argv");
		create(web, Map.of("name", name));
		start(web, name);

		ExecResult result = exec(web, name, List.of("echo", "$HOME; rm -rf / && `id`"));

		assertThat(result.stdout()).isEqualTo("$HOME; rm -rf / && `id`\n");
	}

	@Test
	void killsACommandThatOutlivesItsTimeout() {
		String name = uniqueName("slow");
		WorkspaceResponse created = create(web, Map.of("name", name));
		start(web, name);

		web.post().uri("/api/v1/workspaces/{name}/exec", name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("argv", List.of("sh", "-c", "sleep 30; touch late"), "timeoutSeconds", 1))
			.exchange()
			.expectStatus().isEqualTo(504)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/exec-timeout");

		assertThat(Path.of(created.home(), "late")).doesNotExist();
	}

	@Test
	void capsOutputAndSaysSo() {
		String name = uniqueName("big");
		create(web, Map.of("name", name));
		start(web, name);

		ExecResult result = exec(web, name, List.of("sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"));

		assertThat(result.stdout()).hasSize(1024 * 1024);
		assertThat(result.stdoutTruncated()).isTrue();
		assertThat(result.exitCode()).isZero();
	}

	@Test
	void reportsAMissingProgramLikeAShell() {
		String name = uniqueName("noprog");
		create(web, Map.of("name", name));
		start(web, name);

		ExecResult result = exec(web, name, List.of("no-such-program-here"));

		assertThat(result.exitCode()).isEqualTo(127);
		assertThat(result.stderr()).contains("no-such-program-here");
	}

	@Test
	void followsTheLogAsServerSentEvents() {
		String name = uniqueName("logs");
		create(web, Map.of("name", name));
		start(web, name);

		Flux<ServerSentEvent<String>> events = web.get()
			.uri("/api/v1/workspaces/{name}/logs?tail=1&follow=true", name)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.expectHeader().valueEquals("X-Accel-Buffering", "no")
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();

		StepVerifier.create(events.filter(event -> event.data() != null).map(ServerSentEvent::data))
			.assertNext(line -> assertThat(line).endsWith("perch: started"))
			.then(() -> exec(web, name, List.of("true")))
			.assertNext(line -> assertThat(line).endsWith("perch: exec true exited 0"))
			.thenCancel()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void sendsConnectedAndHeartbeatCommentsOnAQuietLog() {
		String name = uniqueName("quiet");
		create(web, Map.of("name", name));

		Flux<ServerSentEvent<String>> events = web.get()
			.uri("/api/v1/workspaces/{name}/logs?tail=0", name)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();

		StepVerifier.create(events.map(event -> String.valueOf(event.comment())))
			.expectNext("connected")
			.expectNext("heartbeat")
			.thenCancel()
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void answersTheLastLinesAsPlainText() {
		String name = uniqueName("tail");
		create(web, Map.of("name", name));
		start(web, name);
		exec(web, name, List.of("true"));

		String text = web.get().uri("/api/v1/workspaces/{name}/logs?tail=2", name).exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();

		assertThat(text.lines().toList()).hasSize(2);
		assertThat(text).contains("perch: started").contains("perch: exec true exited 0");
	}

	@Test
	void clonesARepositoryIntoTheHome(@TempDir Path temp) throws Exception {
		Path repository = temp.resolve("demo-repo");
		git(temp, "init", "-q", "-b", "main", repository.toString());
		Files.writeString(repository.resolve("README.md"), "hello from git\n");
		git(repository, "add", "README.md");
		git(repository, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first");
		String name = uniqueName("repo");

		WorkspaceResponse created = create(web, Map.of("name", name, "repository", repository.toUri().toString()));

		assertThat(Path.of(created.home(), "demo-repo", "README.md")).hasContent("hello from git");
		assertThat(created.repository()).isEqualTo(repository.toUri().toString());
	}

	@Test
	void refusesARepositoryThatCannotBeClonedAndLeavesNothingBehind(@TempDir Path temp) {
		String name = uniqueName("norepo");

		web.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "repository", temp.resolve("absent").toUri().toString()))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/repository-clone-failed");

		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNotFound();
	}

	@Test
	void clonesAWorkspaceWithACopyOfItsHome() {
		String name = uniqueName("src");
		create(web, Map.of("name", name, "env", Map.of("A", "1")));
		start(web, name);
		exec(web, name, List.of("sh", "-c", "mkdir -p notes && echo kept > notes/a.txt"));
		String copy = uniqueName("copy");

		WorkspaceResponse cloned = web.post().uri("/api/v1/workspaces/{name}/clone", name)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", copy))
			.exchange().expectStatus().isCreated()
			.expectHeader().location("/api/v1/workspaces/" + copy)
			.expectBody(WorkspaceResponse.class).returnResult().getResponseBody();

		assertThat(Path.of(cloned.home(), "notes", "a.txt")).hasContent("kept");
		assertThat(cloned.env()).containsExactly("A");
		assertThat(cloned.status()).isEqualTo(WorkspaceStatus.STOPPED);
	}

	@Test
	void showsADeletedHomeAsMissing() throws Exception {
		String name = uniqueName("gone");
		WorkspaceResponse created = create(web, Map.of("name", name));
		start(web, name);
		try (var files = Files.walk(Path.of(created.home()))) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}

		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("missing");
	}

	@Test
	void listsByStatusAndPage() {
		String prefix = uniqueName("list");
		create(web, Map.of("name", prefix + "-a"));
		create(web, Map.of("name", prefix + "-b"));
		start(web, prefix + "-b");

		web.get().uri("/api/v1/workspaces?status=RUNNING&size=500").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items[?(@.name == '" + prefix + "-b')]").exists()
			.jsonPath("$.items[?(@.name == '" + prefix + "-a')]").doesNotExist();
		web.get().uri("/api/v1/workspaces?size=1&page=0").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(1)
			.jsonPath("$.size").isEqualTo(1);
	}

	@Test
	void assignsHostPortsFromTheRangeAndRefusesDuplicates() {
		String name = uniqueName("ports");
		create(web, Map.of("name", name));

		web.put().uri("/api/v1/workspaces/{name}/ports", name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("ports", List.of(Map.of("port", 3000), Map.of("port", 8080, "hostPort", 28080))))
			.exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.ports[0].port").isEqualTo(3000)
			.jsonPath("$.ports[0].hostPort").value(port -> assertThat((Integer) port).isBetween(20000, 20999))
			.jsonPath("$.ports[1].hostPort").isEqualTo(28080);
		web.put().uri("/api/v1/workspaces/{name}/ports", name).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("ports", List.of(Map.of("port", 3000), Map.of("port", 3000))))
			.exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[0].field").isEqualTo("ports[1]");
		web.get().uri("/api/v1/workspaces/{name}/ports", name).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.ports.length()").isEqualTo(2);
	}

	private static void git(Path directory, String... args) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of("git"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
		assertThat(process.waitFor()).isZero();
	}

}
