package dev.perch.support;

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

import dev.perch.PerchApplication;

/**
 * Perch in a JVM of its own, started from the test class path with the zero-configuration defaults
 * (H2 file database and generated token under {@code home}, local runtime) on a free loopback port,
 * for tests of what only a real process shows: start-up modes, signals, shutdown.
 */
public final class PerchProcess implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Process process;

	private final Path log;

	private final String base;

	private PerchProcess(Process process, Path log, String base) {
		this.process = process;
		this.log = log;
		this.base = base;
	}

	/** Starts Perch with {@code jvmOptions} before the main class and {@code arguments} after it, and waits until it is ready. */
	public static PerchProcess start(Path home, List<String> jvmOptions, List<String> arguments) throws Exception {
		int port = freePort();
		Path log = home.resolve("perch.log");
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), PerchApplication.class.getName(),
				"--server.address=127.0.0.1", "--server.port=" + port));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("PERCH_HOME", home.toString());
		builder.environment().remove("SPRING_PROFILES_ACTIVE");
		PerchProcess perch = new PerchProcess(builder.start(), log, "http://127.0.0.1:" + port);
		perch.awaitReady(Duration.ofSeconds(120), home);
		return perch;
	}

	public String base() {
		return base;
	}

	public Process process() {
		return process;
	}

	public String log() throws IOException {
		return Files.readString(log, StandardCharsets.UTF_8);
	}

	private void awaitReady(Duration bound, Path home) throws Exception {
		long deadline = System.nanoTime() + bound.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AssertionError("Perch exited early:\n" + log());
			}
			try {
				HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
				if (ready.statusCode() == 200 && Files.exists(home.resolve("api-token"))) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new AssertionError("Perch was not ready within " + bound + ":\n" + log());
	}

	/** SIGTERM, then SIGKILL if it has not ended 30 s later. */
	@Override
	public void close() throws InterruptedException {
		process.destroy();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static String javaBinary() {
		return ProcessHandle.current().info().command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
