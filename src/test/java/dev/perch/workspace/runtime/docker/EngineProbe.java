package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tests' own look at the Docker engine, independent of the code under test: one HTTP/1.0 request
 * per connection on the unix socket, with the JDK's socket channel.
 */
final class EngineProbe {

	static final Path SOCKET = Path.of("/var/run/docker.sock");

	static final String IMAGE = "perch-test/workspace:1";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private EngineProbe() {
	}

	/** Whether an engine answers on the default socket. */
	static boolean available() {
		try {
			return Files.exists(SOCKET) && request("GET", "/_ping").status() == 200;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	static boolean imagePresent() {
		return request("GET", "/images/" + IMAGE + "/json").status() == 200;
	}

	/** The container's inspect document, or a missing node when the engine does not know it. */
	static JsonNode container(String idOrName) {
		Answer answer = request("GET", "/containers/" + idOrName + "/json");
		return answer.status() == 404 ? JSON.missingNode() : JSON.readTree(answer.body());
	}

	/** Containers, running or not, carrying the label with this value. */
	static JsonNode labelled(String workspace) {
		String filters = "{\"label\":[\"dev.perch.workspace=" + workspace + "\"]}";
		return JSON.readTree(request("GET", "/containers/json?all=true&filters="
				+ URLEncoder.encode(filters, StandardCharsets.UTF_8)).body());
	}

	/** Removes a container behind Perch's back; one that does not exist is fine. */
	static void remove(String idOrName) {
		int status = request("DELETE", "/containers/" + idOrName + "?force=true").status();
		if (status != 204 && status != 404) {
			throw new IllegalStateException("engine answered " + status + " removing " + idOrName);
		}
	}

	record Answer(int status, byte[] body) {
	}

	static Answer request(String method, String path) {
		try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(SOCKET))) {
			String request = method + " /v1.41" + path + " HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n";
			channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(65536);
			while (channel.read(buffer) >= 0) {
				received.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			byte[] bytes = received.toByteArray();
			String text = new String(bytes, StandardCharsets.ISO_8859_1);
			int headersEnd = text.indexOf("\r\n\r\n");
			int status = Integer.parseInt(text.substring(9, 12));
			byte[] body = java.util.Arrays.copyOfRange(bytes, headersEnd + 4, bytes.length);
			return new Answer(status, body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
