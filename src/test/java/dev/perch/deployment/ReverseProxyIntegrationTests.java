package dev.perch.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

import dev.perch.support.RealServices;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's nginx, run with the configuration docs/reverse-proxy.md documents (taken from the document
 * itself), in front of a Perch started here: event streams pass at once and stay open, large bodies get
 * Perch's problem, and forwarded headers come from nginx, never from the client. Perch trusts only
 * 127.0.0.1 here, so a peer at 127.0.0.2 stands for an untrusted client reaching Perch directly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestPropertySource(properties = { "server.address=127.0.0.1", "perch.sse.heartbeat=1s",
		"perch.web.trusted-proxies=127.0.0.1/32", "perch.web.request-logging=true" })
@ExtendWith(OutputCaptureExtension.class)
class ReverseProxyIntegrationTests {

	private static final Path NGINX = Path.of("/usr/sbin/nginx");

	private static final String AUTH = "Bearer test-token";

	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	static Path directory;

	private static Process nginx;

	private static int nginxPort;

	private static int startedFor;

	@LocalServerPort
	private int perchPort;

	@BeforeAll
	static void nginxIsInstalled() {
		RealServices.require(Files.isExecutable(NGINX), "nginx (Debian package nginx)");
	}

	@AfterAll
	static void stopNginx() throws InterruptedException {
		if (nginx != null) {
			nginx.destroy();
			if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
				nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void passesEventStreamsAtOnceAndKeepsThemOpenWithHeartbeats() throws Exception {
		String name = "proxied-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(send(post("/api/v1/workspaces", "{\"name\":\"" + name + "\"}")).statusCode()).isEqualTo(201);
		assertThat(send(post("/api/v1/workspaces/" + name + "/start", "")).statusCode()).isEqualTo(200);

		HttpRequest follow = HttpRequest.newBuilder(proxied("/api/v1/workspaces/" + name + "/logs?tail=1&follow=true"))
			.header("Authorization", AUTH)
			.header("Accept-Encoding", "gzip")
			.build();
		// the response is there as soon as its headers are: the body is read line by line as it comes
		HttpResponse<Stream<String>> response = HTTP.sendAsync(follow, HttpResponse.BodyHandlers.ofLines())
			.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> response.body().forEach(lines::add));
		try {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					type -> assertThat(type).startsWith("text/event-stream"));
			assertThat(response.headers().firstValue("Content-Encoding")).as("never compressed").isEmpty();
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");

			awaitLine(lines, comment("connected"));
			awaitLine(lines, line -> line.startsWith("data:") && line.endsWith("perch: started"));
			assertThat(send(post("/api/v1/workspaces/" + name + "/exec", "{\"argv\":[\"true\"]}")).statusCode())
				.isEqualTo(200);
			awaitLine(lines, line -> line.startsWith("data:") && line.endsWith("perch: exec true exited 0"));
			awaitLine(lines, comment("heartbeat"));
			awaitLine(lines, comment("heartbeat"));
			assertThat(reader).as("the stream is still open").isNotDone();
		}
		finally {
			response.body().close();
			reader.cancel(true);
		}
	}

	@Test
	void leavesTooLargeBodiesToPerchsProblem() throws Exception {
		String image = "x".repeat(2 * 1024 * 1024);

		HttpResponse<String> response = send(post("/api/v1/workspaces", "{\"name\":\"big\",\"image\":\"" + image + "\"}"));

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(response.body()).path("type").asString())
			.isEqualTo("https://perch.dev/problems/payload-too-large");
	}

	@Test
	void takesForwardedHeadersFromNginxAndNotFromTheClient(CapturedOutput output) throws Exception {
		Map<String, String> spoofed = Map.of("Host", "perch.example.com", "X-Forwarded-Host", "evil.example",
				"X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443", "Forwarded",
				"for=198.51.100.66;host=evil.example;proto=https", "X-Forwarded-Prefix", "/evil", "X-Forwarded-For",
				"198.51.100.66");

		JsonNode docs = rawGet("127.0.0.3", nginxPort, "/v3/api-docs", spoofed);

		assertThat(docs.path("servers").get(0).path("url").asString())
			.isEqualTo("http://perch.example.com:" + nginxPort);
		awaitRequestLog(output, "127.0.0.3");
		assertThat(output.getAll()).doesNotContain("198.51.100.66");
	}

	@Test
	void ignoresForwardedHeadersFromPeersItDoesNotTrust(CapturedOutput output) throws Exception {
		Map<String, String> spoofed = Map.of("Host", "127.0.0.1:" + perchPort, "X-Forwarded-Host", "evil.example",
				"X-Forwarded-Proto", "https", "X-Forwarded-Port", "443", "X-Forwarded-For", "198.51.100.77");

		JsonNode untrusted = rawGet("127.0.0.2", perchPort, "/v3/api-docs", spoofed);
		JsonNode trusted = rawGet("127.0.0.1", perchPort, "/v3/api-docs", spoofed);

		assertThat(untrusted.path("servers").get(0).path("url").asString()).isEqualTo("http://127.0.0.1:" + perchPort);
		assertThat(trusted.path("servers").get(0).path("url").asString()).isEqualTo("https://evil.example");
		awaitRequestLog(output, "127.0.0.2");
		awaitRequestLog(output, "198.51.100.77");
	}

	/** An SSE comment line: a colon, an optional space, the text. */
	private static Predicate<String> comment(String text) {
		return line -> line.matches(":\\s?" + text);
	}

	private void awaitLine(BlockingQueue<String> lines, Predicate<String> wanted) throws InterruptedException {
		long deadline = System.nanoTime() + PROMPTLY.toNanos();
		List<String> seen = new ArrayList<>();
		while (System.nanoTime() < deadline) {
			String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			if (line != null && wanted.test(line)) {
				return;
			}
			if (line != null) {
				seen.add(line);
			}
		}
		throw new AssertionError("the expected line did not come through nginx within " + PROMPTLY + "; lines seen: "
				+ seen);
	}

	private static void awaitRequestLog(CapturedOutput output, String client) {
		Pattern line = Pattern.compile("\\{\"method\":\"GET\",\"path\":\"/v3/api-docs\",\"status\":200,\"durationMs\":\\d+,"
				+ "\"client\":\"" + Pattern.quote(client) + "\"}");
		await().atMost(PROMPTLY).untilAsserted(() -> assertThat(line.matcher(output.getAll()).find())
			.as("a request log line with client %s in:%n%s", client, output.getAll()).isTrue());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder post(String path, String json) {
		return HttpRequest.newBuilder(proxied(path))
			.header("Authorization", AUTH)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
	}

	private static URI proxied(String path) {
		return URI.create("http://127.0.0.1:" + nginxPort + path);
	}

	/** One HTTP/1.0 exchange from a chosen loopback address (the JDK client cannot pick its source address). */
	private static JsonNode rawGet(String from, int port, String path, Map<String, String> headers) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			// generous: springdoc builds the API description on its first request (several seconds on a loaded machine)
			socket.setSoTimeout(30_000);
			StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.0\r\n");
			headers.forEach((header, value) -> request.append(header).append(": ").append(value).append("\r\n"));
			OutputStream out = socket.getOutputStream();
			out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
			out.flush();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			in.transferTo(received);
			String response = received.toString(StandardCharsets.UTF_8);
			Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(response);
			assertThat(status.find()).as(response).isTrue();
			assertThat(status.group(1)).as(response).isEqualTo("200");
			return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
		}
	}

	/** nginx with the documented configuration, started once for the class, with its own pid, logs and temp files. */
	@BeforeEach
	void startNginx() throws Exception {
		if (nginx != null && startedFor == perchPort) {
			return;
		}
		stopNginx();
		nginxPort = freePort();
		String site = documentedConfiguration()
			.replace("    server 127.0.0.1:8080;", "    server 127.0.0.1:" + perchPort + ";")
			.replace("    listen 80;", "    listen 127.0.0.1:" + nginxPort + ";");
		String dir = directory.toString();
		// run as root, nginx's workers are nobody: they need to reach the temp directories nginx makes for them
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		String main = """
				daemon off;
				worker_processes 1;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log info;
				events { worker_connections 64; }
				http {
				    access_log %1$s/access.log;
				    client_body_temp_path %1$s/client_body;
				    proxy_temp_path %1$s/proxy;
				    fastcgi_temp_path %1$s/fastcgi;
				    uwsgi_temp_path %1$s/uwsgi;
				    scgi_temp_path %1$s/scgi;
				%2$s
				}
				""".formatted(dir, site);
		Files.writeString(directory.resolve("nginx.conf"), main);
		nginx = new ProcessBuilder(NGINX.toString(), "-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("nginx.out").toFile())
			.start();
		startedFor = perchPort;
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
			assertThat(nginx.isAlive()).as("nginx exited: %s%s", Files.readString(directory.resolve("nginx.out")),
					Files.readString(directory.resolve("error.log"))).isTrue();
			try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), nginxPort)) {
				return true;
			}
		});
	}

	/** The first nginx block of docs/reverse-proxy.md, which must have the two lines the test replaces. */
	private static String documentedConfiguration() throws IOException {
		String doc = Files.readString(Path.of("docs", "reverse-proxy.md"));
		Matcher block = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(doc);
		assertThat(block.find()).as("docs/reverse-proxy.md has an nginx block").isTrue();
		String site = block.group(1);
		assertThat(site).contains("    server 127.0.0.1:8080;", "    listen 80;");
		return site;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
