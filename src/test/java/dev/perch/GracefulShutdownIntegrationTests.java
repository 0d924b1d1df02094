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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.support.PerchProcess;

/**
 * SIGTERM to a Perch with an open event stream: the stream ends at once with an {@code error} event
 * carrying a {@code shutting-down} problem, and the process exits without waiting out the graceful
 * shutdown's timeout (set to 60 s here, so a stream that held the shutdown would show).
 */
class GracefulShutdownIntegrationTests {

	private static final String END_OF_STREAM = "<end of stream>";

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
	void endsOpenStreamsWithAShuttingDownEventAndExitsWithoutWaitingForThem() throws Exception {
		app = PerchProcess.start(home, List.of(), List.of("--spring.lifecycle.timeout-per-shutdown-phase=60s"));
		String token = Files.readString(home.resolve("api-token")).strip();
		HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(app.base() + "/api/v1/workspaces"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"shutdown\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		HttpResponse<Stream<String>> follow = http.send(
				HttpRequest.newBuilder(URI.create(app.base() + "/api/v1/workspaces/shutdown/logs?follow=true"))
					.header("Authorization", "Bearer " + token)
					.build(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(follow.statusCode()).isEqualTo(200);
		Thread reader = new Thread(() -> {
			try (Stream<String> body = follow.body()) {
				body.forEach(lines::add);
			}
			catch (RuntimeException cut) {
				lines.add("<cut: " + cut + ">");
			}
			lines.add(END_OF_STREAM);
		}, "log-follower");
		reader.setDaemon(true);
		reader.start();
		assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo(":connected");

		long signalled = System.nanoTime();
		app.process().destroy();

		StringBuilder tail = new StringBuilder();
		String line;
		while ((line = lines.poll(30, TimeUnit.SECONDS)) != null && !END_OF_STREAM.equals(line)) {
			tail.append(line).append('\n');
		}
		assertThat(line).as("the stream ended; it read:%n%s", tail).isEqualTo(END_OF_STREAM);
		assertThat(tail.toString()).contains("event:error")
			.contains("\"type\":\"https://perch.dev/problems/shutting-down\"")
			.contains("\"status\":503");
		assertThat(app.process().waitFor(30, TimeUnit.SECONDS)).as("Perch exited within 30 s of SIGTERM").isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(30));
		assertThat(app.log()).contains("Graceful shutdown complete");
		reader.join(5_000);
	}

}
