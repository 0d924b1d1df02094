package dev.perch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mvnw spring-boot:run} starts Perch from the bean definitions {@code spring-boot:process-aot}
 * generated at build time ({@code -Dspring.aot.enabled=true}, see the pom). This starts the application
 * the same way, in its own JVM with the zero-configuration defaults (H2 file database, local runtime),
 * and checks that it serves, that bad input still gets problems, and that a property read at run time
 * (not at build time) still switches behaviour. Starting at all proves the generated initializer was
 * used: in AOT mode a missing one fails the start.
 */
class AotStartupIntegrationTests {

	@TempDir
	Path home;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Process app;

	@AfterEach
	void stop() throws InterruptedException {
		if (app != null) {
			app.destroy();
			if (!app.waitFor(20, TimeUnit.SECONDS)) {
				app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void servesFromAheadOfTimeBeanDefinitions() throws Exception {
		int port = freePort();
		Path log = home.resolve("perch.log");
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1",
				"-Dspring.aot.enabled=true", "-cp", System.getProperty("java.class.path"), PerchApplication.class.getName(),
				"--server.address=127.0.0.1", "--server.port=" + port, "--perch.web.request-logging=true"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("PERCH_HOME", home.toString());
		builder.environment().remove("SPRING_PROFILES_ACTIVE");
		app = builder.start();

		String base = "http://127.0.0.1:" + port;
		awaitReady(base, log);
		String token = Files.readString(home.resolve("api-token")).strip();

		HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"items\":[]");

		HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Not A DNS Label\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");

		assertThat(Files.readString(log, StandardCharsets.UTF_8))
			.contains("{\"method\":\"GET\",\"path\":\"/api/v1/workspaces\",\"status\":200")
			.doesNotContain("APPLICATION FAILED TO START");
	}

	private void awaitReady(String base, Path log) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(app.isAlive()).as("Perch exited early:%n%s", Files.readString(log)).isTrue();
			try {
				HttpResponse<String> ready = http.send(
						HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
							.timeout(Duration.ofSeconds(2))
							.build(),
						HttpResponse.BodyHandlers.ofString());
				if (ready.statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new AssertionError("Perch was not ready within 120 s:\n" + Files.readString(log));
	}

	private static String javaBinary() {
		return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
