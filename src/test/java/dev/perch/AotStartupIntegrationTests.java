package dev.perch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.support.PerchProcess;

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

	private PerchProcess app;

	@AfterEach
	void stop() throws InterruptedException {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void servesFromAheadOfTimeBeanDefinitions() throws Exception {
		app = PerchProcess.start(home, List.of("-Dspring.aot.enabled=true"), List.of("--perch.web.request-logging=true"));
		String token = Files.readString(home.resolve("api-token")).strip();

		HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"items\":[]");

		HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Not A DNS Label\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");

		assertThat(app.log())
			.contains("{\"method\":\"GET\",\"path\":\"/api/v1/workspaces\",\"status\":200")
			.doesNotContain("APPLICATION FAILED TO START");
	}

}
