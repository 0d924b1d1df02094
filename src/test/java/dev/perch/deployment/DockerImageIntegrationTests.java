package dev.perch.deployment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.perch.support.RealServices;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Builds the project's {@code Dockerfile} with the local engine from the jar {@code ./mvnw package} just
 * made, on the local JRE base image {@code scripts/build-jre-image.sh} makes (nothing can be pulled), runs
 * it with its port published on 127.0.0.1 only (hardened like the Helm chart's pod: read-only root, no
 * capabilities), and checks what an operator relies on: it becomes ready,
 * serves the API with the token given at run time, runs as uid 10001 with its state on the volume, and
 * stops gracefully on {@code docker stop}.
 */
class DockerImageIntegrationTests {

	static final String BASE_IMAGE = "perch-test/jre:17";

	private static final String IMAGE = "perch-test/perch:it-" + UUID.randomUUID().toString().substring(0, 8);

	/** The Dockerfile's extraction stage, tagged too so that it is removed with the image, not left dangling. */
	private static final String LAYERS_STAGE = IMAGE.replace(":it-", ":it-layers-");

	private static final String CONTAINER = "perch-image-it-" + UUID.randomUUID().toString().substring(0, 8);

	private static final String TOKEN = "perch_it_" + UUID.randomUUID();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static boolean built;

	@BeforeAll
	static void buildImage() throws Exception {
		RealServices.require(Docker.run(Duration.ofSeconds(20), "info").exitCode() == 0, "A Docker engine");
		RealServices.require(Docker.run(Duration.ofSeconds(20), "image", "inspect", BASE_IMAGE).exitCode() == 0,
				"The JRE base image " + BASE_IMAGE + " (scripts/build-jre-image.sh)");
		assertThat(packagedJars()).as("the jar ./mvnw package makes, which the Dockerfile copies").hasSize(1);
		built = true;
		Docker.check(Duration.ofMinutes(5), "build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-t", IMAGE, ".");
		Docker.check(Duration.ofMinutes(2), "build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "--target", "layers",
				"-t", LAYERS_STAGE, ".");
	}

	@AfterAll
	static void removeImage() throws Exception {
		Docker.run(Duration.ofSeconds(60), "rm", "-f", "-v", CONTAINER);
		if (built) {
			Docker.run(Duration.ofSeconds(60), "rmi", "-f", IMAGE, LAYERS_STAGE);
		}
	}

	@Test
	void imageIsConfiguredForANonRootUserWithStateOnAVolumeAndNoSecrets() throws Exception {
		JsonNode config = JSON.readTree(Docker.check(Duration.ofSeconds(20), "image", "inspect", "--format",
				"{{json .Config}}", IMAGE));

		assertThat(config.path("User").asString()).isEqualTo("10001:10001");
		assertThat(config.path("Entrypoint").values()).extracting(JsonNode::asString)
			.containsExactly("java", "-jar", "/app/perch.jar");
		assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
		assertThat(config.path("Volumes").has("/var/lib/perch")).isTrue();
		List<String> env = config.path("Env").values().stream().map(JsonNode::asString).toList();
		assertThat(env).contains("PERCH_HOME=/var/lib/perch", "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75");
		assertThat(env).noneMatch(entry -> entry.matches("(?i).*(token|password|secret).*"));
	}

	@Test
	void runsAsUid10001ServesTheApiAndStopsGracefully() throws Exception {
		// hardened as the Helm chart runs it: read-only root with /tmp and the PERCH_HOME volume writable, no capabilities
		Docker.check(Duration.ofSeconds(60), "run", "-d", "--name", CONTAINER, "-p", "127.0.0.1::8080", "--read-only",
				"--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "-e",
				"PERCH_SECURITY_TOKEN=" + TOKEN, IMAGE);
		String published = Docker.check(Duration.ofSeconds(20), "port", CONTAINER, "8080/tcp").lines().findFirst()
			.orElseThrow();
		assertThat(published).as("published on loopback only").startsWith("127.0.0.1:");
		String base = "http://" + published;

		awaitReadiness(base);
		assertThat(get(base + "/actuator/health/liveness", null).body()).contains("\"UP\"");

		HttpResponse<String> anonymous = get(base + "/api/v1/workspaces", null);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		HttpResponse<String> list = get(base + "/api/v1/workspaces", TOKEN);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(list.body()).path("items").isArray()).isTrue();

		HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + TOKEN)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"in-image\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(JSON.readTree(created.body()).path("home").asString())
			.as("workspaces live under PERCH_HOME, on the volume, written by uid 10001")
			.isEqualTo("/var/lib/perch/workspaces/in-image/home");

		List<String> processes = Docker.check(Duration.ofSeconds(20), "top", CONTAINER, "-o", "pid,uid,gid,args")
			.lines().skip(1).toList();
		assertThat(processes).as("pid uid gid args").singleElement()
			.satisfies(line -> assertThat(List.of(line.trim().split("\\s+"))).element(1).isEqualTo("10001"))
			.satisfies(line -> assertThat(List.of(line.trim().split("\\s+"))).element(2).isEqualTo("10001"))
			.satisfies(line -> assertThat(line).contains("java -jar /app/perch.jar"));
		assertThat(mountDestinations()).contains("/var/lib/perch");

		long stopping = System.nanoTime();
		Docker.check(Duration.ofSeconds(60), "stop", "-t", "30", CONTAINER);
		Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
		assertThat(stopped).as("ended by SIGTERM, not killed at the 30 s timeout").isLessThan(Duration.ofSeconds(25));
		assertThat(Docker.check(Duration.ofSeconds(20), "inspect", "--format", "{{.State.ExitCode}}", CONTAINER).strip())
			.as("exit code of a JVM ended by SIGTERM (137 would be SIGKILL)").isEqualTo("143");
		assertThat(Docker.run(Duration.ofSeconds(20), "logs", CONTAINER).output())
			.contains("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75")
			.contains("Commencing graceful shutdown")
			.contains("Graceful shutdown complete")
			.doesNotContain(TOKEN);
	}

	private static void awaitReadiness(String base) throws Exception {
		try {
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
				.until(() -> !running() || get(base + "/actuator/health/readiness", null).statusCode() == 200);
		}
		finally {
			assertThat(running()).as("the container exited:%n%s", Docker.run(Duration.ofSeconds(20), "logs", CONTAINER)
				.output()).isTrue();
		}
	}

	private static boolean running() throws Exception {
		return Docker.check(Duration.ofSeconds(20), "inspect", "--format", "{{.State.Running}}", CONTAINER).strip()
			.equals("true");
	}

	private static List<String> mountDestinations() throws Exception {
		JsonNode mounts = JSON.readTree(Docker.check(Duration.ofSeconds(20), "inspect", "--format", "{{json .Mounts}}",
				CONTAINER));
		return mounts.values().stream().map(mount -> mount.path("Destination").asString()).toList();
	}

	private static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static List<Path> packagedJars() throws IOException {
		try (var files = Files.list(Path.of("target"))) {
			return files.filter(file -> file.getFileName().toString().matches("perch-.*\\.jar")).toList();
		}
	}

	/** The docker CLI, as an operator would type it, run from the project's directory (the build context). */
	static final class Docker {

		private Docker() {
		}

		record Result(int exitCode, String output) {
		}

		static Result run(Duration timeout, String... arguments) throws IOException, InterruptedException {
			List<String> command = new ArrayList<>(List.of("docker"));
			command.addAll(List.of(arguments));
			Path output = Files.createTempFile("docker-", ".out");
			try {
				Process process;
				try {
					process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
				}
				catch (IOException noCli) {
					return new Result(-1, String.valueOf(noCli.getMessage()));
				}
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
					throw new AssertionError(String.join(" ", command) + " took longer than " + timeout + ":\n"
							+ Files.readString(output, StandardCharsets.UTF_8));
				}
				return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
			}
			finally {
				Files.deleteIfExists(output);
			}
		}

		static String check(Duration timeout, String... arguments) throws IOException, InterruptedException {
			Result result = run(timeout, arguments);
			assertThat(result.exitCode()).as("docker %s:%n%s", String.join(" ", arguments), result.output()).isZero();
			return result.output();
		}

	}

}
