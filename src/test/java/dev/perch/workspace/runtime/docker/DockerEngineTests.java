package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.workspace.RuntimeUnavailableException;
import io.netty.handler.codec.http.HttpMethod;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine client against a fake engine on a unix socket: every way the engine can fail, and the raw stream. */
class DockerEngineTests {

	private static final Duration BOUND = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private ServerSocketChannel server;

	private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

	@AfterEach
	void close() throws IOException {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void failsWithRuntimeUnavailableWhenTheSocketDoesNotExist() {
		DockerEngine engine = engine(directory.resolve("missing.sock"), Duration.ofSeconds(30));

		StepVerifier.create(engine.get(engine.uri("/containers/{id}/json", "abc")))
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(RuntimeUnavailableException.class)
				.hasMessageContaining("runtime-unavailable")
				.hasMessageContaining("cannot be reached"))
			.verify(BOUND);
	}

	@Test
	void failsWithRuntimeUnavailableWhenTheEngineDoesNotAnswerWithinTheTimeout() throws IOException {
		Path socket = serve(null);
		DockerEngine engine = engine(socket, Duration.ofMillis(300));

		StepVerifier.create(engine.post(engine.uri("/containers/{id}/start", "abc"), null))
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOf(RuntimeUnavailableException.class)
				.hasMessageContaining("did not answer within 300 ms"))
			.verify(BOUND);
	}

	@Test
	void boundsAStreamUntilItsHeadersArriveOnly() throws IOException {
		Path socket = serve(null);
		DockerEngine engine = engine(socket, Duration.ofMillis(300));

		StepVerifier.create(engine.stream(HttpMethod.GET, engine.uri("/containers/{id}/logs?follow=true", "abc"), null))
			.expectError(RuntimeUnavailableException.class)
			.verify(BOUND);
	}

	@Test
	void turnsAnErrorStatusIntoAnEngineExceptionWithTheEnginesMessage() throws IOException {
		String body = "{\"message\":\"No such container: abc\"}";
		Path socket = serve("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
				+ "\r\n\r\n" + body);
		DockerEngine engine = engine(socket, Duration.ofSeconds(5));

		StepVerifier.create(engine.get(engine.uri("/containers/{id}/json", "abc")))
			.expectErrorSatisfies(error -> {
				assertThat(error).isInstanceOf(EngineException.class);
				assertThat(((EngineException) error).status()).isEqualTo(404);
				assertThat(((EngineException) error).message()).isEqualTo("No such container: abc");
			})
			.verify(BOUND);
	}

	@Test
	void readsAHijackedStreamUntilTheEngineClosesIt() throws IOException {
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		response.writeBytes("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n"
			.getBytes(StandardCharsets.US_ASCII));
		response.writeBytes(StreamFramesTests.frame(1, "out\n"));
		response.writeBytes(StreamFramesTests.frame(2, "err\n"));
		Path socket = serve(response.toString(StandardCharsets.ISO_8859_1));
		DockerEngine engine = engine(socket, Duration.ofSeconds(5));

		StepVerifier.create(engine.stream(HttpMethod.POST, engine.uri("/exec/{id}/start", "e1"), java.util.Map.of("Detach", false))
				.map(frame -> frame.stream() + ":" + new String(frame.payload(), StandardCharsets.UTF_8)))
			.expectNext("1:out\n", "2:err\n")
			.expectComplete()
			.verify(BOUND);
		assertThat(requests.poll()).startsWith("POST /v1.41/exec/e1/start HTTP/1.1")
			.containsIgnoringCase("content-type: application/json");
	}

	@Test
	void encodesTemplateVariables() {
		DockerEngine engine = engine(directory.resolve("unused.sock"), Duration.ofSeconds(1));

		assertThat(engine.uri("/containers/json?all=true&filters={filters}", "{\"label\":[\"a=b&c\"]}"))
			.isEqualTo("/v1.41/containers/json?all=true&filters=%7B%22label%22%3A%5B%22a%3Db%26c%22%5D%7D");
	}

	private DockerEngine engine(Path socket, Duration timeout) {
		return new DockerEngine(socket, timeout, JsonMapper.builder().build());
	}

	/** A fake engine that reads one request and answers it with {@code response} and closes, or never answers. */
	private Path serve(String response) throws IOException {
		Path socket = directory.resolve("engine.sock");
		server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket));
		Thread thread = new Thread(() -> answer(response), "fake-engine");
		thread.setDaemon(true);
		thread.start();
		return socket;
	}

	private void answer(String response) {
		try (SocketChannel client = server.accept()) {
			ByteBuffer buffer = ByteBuffer.allocate(65536);
			StringBuilder request = new StringBuilder();
			while (!request.toString().contains("\r\n\r\n") && client.read(buffer) > 0) {
				request.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
				buffer.clear();
			}
			requests.add(request.toString());
			if (response == null) {
				client.read(ByteBuffer.allocate(1));
				return;
			}
			client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
		}
		catch (IOException ex) {
			// the test closed the server
		}
	}

}
