package dev.perch.workspace.runtime.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.perch.support.RealServices;
import dev.perch.workspace.ProcessSpec;
import dev.perch.workspace.WorkspaceProcess;
import dev.perch.workspace.WorkspaceService;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker runtime through the HTTP API, against the real Docker engine on this machine and the
 * locally built {@code perch-test/workspace:1} image ({@code scripts/build-test-image.sh}). Containers
 * share the host network, as the OpenCode tests need. Every test uses its own workspace names and
 * removes their containers, found by name, afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@TestPropertySource(properties = { "perch.workspaces.docker.network=host", "perch.workspaces.exec.max-output=1KB",
		"perch.workspaces.docker.stop-timeout=1s" })
class DockerRuntimeIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	@Autowired
	private WebTestClient web;

	@Autowired
	private WorkspaceService workspaces;

	private final List<String> created = new ArrayList<>();

	@BeforeAll
	static void requireEngine() {
		RealServices.require(EngineProbe.available(), "Docker engine at " + EngineProbe.SOCKET);
		RealServices.require(EngineProbe.imagePresent(), "image " + EngineProbe.IMAGE + " (scripts/build-test-image.sh)");
	}

	@BeforeEach
	void authenticate() {
		web = web.mutate()
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer test-token")
			.responseTimeout(BOUND)
			.build();
	}

	@AfterEach
	void removeContainers() {
		created.forEach(name -> EngineProbe.remove("perch-" + name));
	}

	@Test
	void runsTheLifecycleOfAContainerWorkspace() {
		String name = created(Map.of("env", Map.of("GREETING", "hello")));
		web.get().uri("/api/v1/workspaces/{name}", name).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("stopped")
			.jsonPath("$.runtime").isEqualTo("docker")
			.jsonPath("$.homeInside").isEqualTo("/home/workspace");
		JsonNode container = EngineProbe.container("perch-" + name);
		assertThat(container.path("Config").path("Labels").path("dev.perch.workspace").asString()).isEqualTo(name);
		assertThat(container.path("Config").path("Tty").asBoolean()).isFalse();

		start(name).jsonPath("$.status").isEqualTo("running");
		web.get().uri("/api/v1/workspaces/{name}", name).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("running");

		web.post().uri("/api/v1/workspaces/{name}/stop", name).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("stopped");
		assertThat(EngineProbe.container("perch-" + name).path("State").path("Running").asBoolean()).isFalse();

		start(name).jsonPath("$.status").isEqualTo("running");
		start(name).jsonPath("$.status").isEqualTo("running");
		assertThat(EngineProbe.labelled(name).size()).isEqualTo(1);

		web.delete().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNoContent();
		assertThat(EngineProbe.container("perch-" + name).isMissingNode()).isTrue();
		assertThat(EngineProbe.labelled(name).size()).isZero();
		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNotFound();
	}

	@Test
	void runsACommandWithItsExitCodeOutputEnvironmentAndHome() {
		String name = started(Map.of("env", Map.of("GREETING", "hello")));

		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("/bin/sh", "-c", "echo \"$GREETING $EXTRA\"; echo \"$HOME\"; pwd; echo oops >&2; exit 3"),
					"env", Map.of("EXTRA", "world")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.exitCode").isEqualTo(3)
			.jsonPath("$.stdout").isEqualTo("hello world\n/home/workspace\n/home/workspace\n")
			.jsonPath("$.stderr").isEqualTo("oops\n")
			.jsonPath("$.stdoutTruncated").isEqualTo(false);
	}

	@Test
	void passesArgvWithoutAShellAndRunsInTheWorkingDirectory() throws Exception {
		String name = started(Map.of());
		Files.createDirectories(home(name).resolve("project"));

		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("/bin/sh", "-c", "pwd; echo \"$0\"", "$(touch injected) ; *"),
					"workingDirectory", "project"))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.exitCode").isEqualTo(0)
			.jsonPath("$.stdout").isEqualTo("/home/workspace/project\n$(touch injected) ; *\n");
		assertThat(home(name).resolve("project/injected")).doesNotExist();
	}

	@Test
	void capsEachOutputStreamAndSaysSo() {
		String name = started(Map.of());

		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("/bin/sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x; echo small >&2")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.stdout").value(stdout -> assertThat((String) stdout).isEqualTo("x".repeat(1024)))
			.jsonPath("$.stdoutTruncated").isEqualTo(true)
			.jsonPath("$.stderr").isEqualTo("small\n")
			.jsonPath("$.stderrTruncated").isEqualTo(false);
	}

	@Test
	void reportsAProgramThatDoesNotExistLikeAShell() {
		String name = started(Map.of());

		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("no-such-program", "x")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.exitCode").isEqualTo(127)
			.jsonPath("$.stderr").value(stderr -> assertThat((String) stderr).contains("no-such-program"));
	}

	@Test
	void killsACommandPastItsTimeoutAndAnswersAGatewayTimeoutProblem() {
		String name = started(Map.of());

		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("/bin/sh", "-c", "sleep 37; echo never"), "timeoutSeconds", 1))
			.exchange()
			.expectStatus().isEqualTo(504)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/exec-timeout")
			.jsonPath("$.workspace").isEqualTo(name);

		assertThat(processes(name)).doesNotContain("sleep 37");
	}

	@Test
	void tailsTheContainerLogAndFollowsItUntilTheContainerStops() {
		String name = started(Map.of());
		web.get().uri("/api/v1/workspaces/{name}/logs?tail=5", name).exchange()
			.expectStatus().isOk()
			.expectBody(String.class).isEqualTo("workspace started\n");

		Flux<String> lines = web.get().uri("/api/v1/workspaces/{name}/logs?follow=true&tail=1", name)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody()
			.filter(event -> "log".equals(event.event()))
			.mapNotNull(ServerSentEvent::data)
			// the steps below block on requests: keep them off the event loop that serves them
			.publishOn(Schedulers.boundedElastic());

		StepVerifier.create(lines)
			.expectNext("workspace started")
			.then(() -> exec(name, "/bin/sh", "-c", "echo from-exec >/proc/1/fd/1; echo to-stderr >/proc/1/fd/2"))
			.recordWith(ArrayList::new)
			.expectNextCount(2)
			.consumeRecordedWith(written -> assertThat(written).containsExactlyInAnyOrder("from-exec", "to-stderr"))
			.then(() -> web.post().uri("/api/v1/workspaces/{name}/stop", name).exchange().expectStatus().isOk())
			.expectComplete()
			.verify(BOUND);
	}

	@Test
	void showsMissingWhenTheContainerIsRemovedBehindPerchsBackAndRecreatesItOnStart() {
		String name = started(Map.of());

		EngineProbe.remove("perch-" + name);

		web.get().uri("/api/v1/workspaces/{name}", name).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("missing");
		web.get().uri("/api/v1/workspaces?status=missing").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items[?(@.name == '" + name + "')].status").isEqualTo(List.of("missing"));
		start(name).jsonPath("$.status").isEqualTo("running");
		assertThat(EngineProbe.container("perch-" + name).path("State").path("Running").asBoolean()).isTrue();
	}

	@Test
	void concurrentStartsOfOneWorkspaceAllSucceedWithOneContainer() {
		String name = created(Map.of());
		EngineProbe.remove("perch-" + name); // so every start would create the container

		List<Integer> codes = reactor.core.publisher.Flux.range(0, 6)
			.flatMap(i -> reactor.core.publisher.Mono.fromCallable(() -> web.post()
				.uri("/api/v1/workspaces/{name}/" + (i == 3 ? "stop" : "start"), name)
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value()).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 6)
			.collectList()
			.block(BOUND);

		assertThat(codes).containsOnly(200);
		assertThat(EngineProbe.labelled(name).size()).isEqualTo(1);
		start(name).jsonPath("$.status").isEqualTo("running");
		assertThat(EngineProbe.labelled(name).size()).isEqualTo(1);
	}

	@Test
	void refusesAnImageThatDoesNotExistWithAClientProblem() {
		String name = name();

		web.post().uri("/api/v1/workspaces")
			.bodyValue(Map.of("name", name, "runtime", "docker", "image", "perch-test/no-such-image:1"))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://perch.dev/problems/image-not-found")
			.jsonPath("$.image").isEqualTo("perch-test/no-such-image:1");
		web.get().uri("/api/v1/workspaces/{name}", name).exchange().expectStatus().isNotFound();
		assertThat(EngineProbe.labelled(name).size()).isZero();
	}

	@Test
	void bindsPublishedPortsToLoopbackOnly() {
		String name = created(Map.of("ports", List.of(Map.of("port", 8080))));
		int hostPort = web.get().uri("/api/v1/workspaces/{name}/ports", name).exchange()
			.expectStatus().isOk()
			.returnResult(JsonNode.class).getResponseBody().blockFirst(BOUND)
			.path("ports").path(0).path("hostPort").asInt();

		JsonNode bindings = EngineProbe.container("perch-" + name).path("HostConfig").path("PortBindings");
		assertThat(bindings.propertyNames()).containsExactly("8080/tcp");
		assertThat(bindings.path("8080/tcp").size()).isEqualTo(1);
		assertThat(bindings.path("8080/tcp").path(0).path("HostIp").asString()).isEqualTo("127.0.0.1");
		assertThat(bindings.path("8080/tcp").path(0).path("HostPort").asString()).isEqualTo(String.valueOf(hostPort));
	}

	@Test
	void recreatesTheContainerWhenItsPortsChanged() {
		String name = created(Map.of());
		String before = EngineProbe.container("perch-" + name).path("Id").asString();
		web.put().uri("/api/v1/workspaces/{name}/ports", name)
			.bodyValue(Map.of("ports", List.of(Map.of("port", 9090))))
			.exchange()
			.expectStatus().isOk();

		start(name).jsonPath("$.status").isEqualTo("running");

		JsonNode after = EngineProbe.container("perch-" + name);
		assertThat(after.path("Id").asString()).isNotEqualTo(before);
		assertThat(after.path("HostConfig").path("PortBindings").propertyNames()).containsExactly("9090/tcp");
	}

	@Test
	void spawnsALongRunningProcessAndStopsIt() {
		String name = started(Map.of());

		WorkspaceProcess process = workspaces.spawn(name, new ProcessSpec(
				List.of("/bin/sh", "-c", "echo \"spawned $MODE\"; exec sleep 1000"), null, Map.of("MODE", "detached"),
				"logs/server.log"))
			.block(BOUND);

		assertThat(process).isNotNull();
		assertThat(process.pid()).isPositive();
		assertThat(process.isAlive().block(BOUND)).isTrue();
		Path log = home(name).resolve("logs/server.log");
		StepVerifier.create(Flux.interval(Duration.ZERO, Duration.ofMillis(100), Schedulers.boundedElastic())
				.map(tick -> read(log))
				.filter(text -> text.contains("spawned detached"))
				.next())
			.expectNextCount(1)
			.expectComplete()
			.verify(BOUND);
		assertThat(processes(name)).contains("sleep 1000");

		StepVerifier.create(process.stop()).expectComplete().verify(BOUND);

		assertThat(process.isAlive().block(BOUND)).isFalse();
		assertThat(processes(name)).doesNotContain("sleep 1000");
		assertThat(workspaces.reachableHost(name).block(BOUND)).isEqualTo("127.0.0.1");
		assertThat(workspaces.homeInside(name).block(BOUND)).isEqualTo(Path.of("/home/workspace"));
	}

	@Test
	void endsSpawnedProcessesWhenTheWorkspaceStops() {
		String name = started(Map.of());
		WorkspaceProcess process = workspaces.spawn(name, new ProcessSpec(List.of("sleep", "1001"), null, Map.of(),
				"sleep.log")).block(BOUND);
		assertThat(process.isAlive().block(BOUND)).isTrue();

		web.post().uri("/api/v1/workspaces/{name}/stop", name).exchange().expectStatus().isOk();

		assertThat(process.isAlive().block(BOUND)).isFalse();
		StepVerifier.create(process.stop()).expectComplete().verify(BOUND);
	}

	@Test
	void clonesCopyTheHomeIntoANewContainer() {
		String source = started(Map.of());
		exec(source, "/bin/sh", "-c", "mkdir -p notes && echo remembered > notes/today.txt");
		String copy = name();
		created.add(copy);

		web.post().uri("/api/v1/workspaces/{name}/clone", source)
			.bodyValue(Map.of("name", copy))
			.exchange()
			.expectStatus().isCreated()
			.expectBody().jsonPath("$.runtime").isEqualTo("docker");
		start(copy).jsonPath("$.status").isEqualTo("running");

		web.post().uri("/api/v1/workspaces/{name}/exec", copy)
			.bodyValue(Map.of("argv", List.of("cat", "notes/today.txt")))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.stdout").isEqualTo("remembered\n");
		assertThat(EngineProbe.container("perch-" + copy).path("Id").asString())
			.isNotEqualTo(EngineProbe.container("perch-" + source).path("Id").asString());
	}

	private String name() {
		return "dk-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A new docker workspace (stopped), with extra fields of the create request. */
	private String created(Map<String, Object> extra) {
		String name = name();
		created.add(name);
		Map<String, Object> body = new java.util.HashMap<>(extra);
		body.put("name", name);
		body.put("runtime", "docker");
		body.put("image", EngineProbe.IMAGE);
		web.post().uri("/api/v1/workspaces").bodyValue(body).exchange()
			.expectStatus().isCreated()
			.expectBody().jsonPath("$.status").isEqualTo("stopped");
		return name;
	}

	private String started(Map<String, Object> extra) {
		String name = created(extra);
		start(name).jsonPath("$.status").isEqualTo("running");
		return name;
	}

	private WebTestClient.BodyContentSpec start(String name) {
		return web.post().uri("/api/v1/workspaces/{name}/start", name).exchange()
			.expectStatus().isOk()
			.expectBody();
	}

	private void exec(String name, String... argv) {
		web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of(argv)))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.exitCode").isEqualTo(0);
	}

	/** The command lines of the processes in the workspace. */
	private String processes(String name) {
		JsonNode result = web.post().uri("/api/v1/workspaces/{name}/exec", name)
			.bodyValue(Map.of("argv", List.of("ps", "-o", "pid,args")))
			.exchange()
			.expectStatus().isOk()
			.returnResult(JsonNode.class).getResponseBody().blockFirst(BOUND);
		return result.path("stdout").asString();
	}

	private Path home(String name) {
		return Path.of(workspaces.home(name).block(BOUND).toString());
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file) : "";
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
