package dev.perch.workspace.runtime.docker;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.perch.shared.settings.PortRange;
import dev.perch.support.RealServices;
import dev.perch.workspace.PortForward;
import dev.perch.workspace.ProcessSpec;
import dev.perch.workspace.internal.WorkspaceProperties;
import dev.perch.workspace.WorkspaceSpec;
import dev.perch.workspace.WorkspaceStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Docker workspaces on the engine's default bridge network, through the runtime itself (no application
 * context: only the network differs from {@link DockerRuntimeIntegrationTests}): a port forward really is
 * published, on 127.0.0.1 and nowhere else, and the container's own address is what Perch connects to.
 */
class DockerRuntimeBridgeNetworkIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	@TempDir
	Path root;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name = "dkb-" + UUID.randomUUID().toString().substring(0, 8);

	private DockerRuntime runtime;

	@BeforeAll
	static void requireEngine() {
		RealServices.require(EngineProbe.available(), "Docker engine at " + EngineProbe.SOCKET);
		RealServices.require(EngineProbe.imagePresent(), "image " + EngineProbe.IMAGE + " (scripts/build-test-image.sh)");
	}

	@BeforeEach
	void runtime() {
		WorkspaceProperties.Docker docker = new WorkspaceProperties.Docker(EngineProbe.SOCKET, "/home/workspace",
				List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"),
				Duration.ofSeconds(30), "bridge", Duration.ofSeconds(1));
		runtime = new DockerRuntime(new WorkspaceProperties(root, "docker", EngineProbe.IMAGE, PortRange.parse("20000-20999"),
				new WorkspaceProperties.Exec(Duration.ofSeconds(30), Duration.ofMinutes(10), DataSize.ofMegabytes(1)),
				Duration.ofMinutes(5), List.of("https"), docker), JsonMapper.builder().build());
	}

	@AfterEach
	void removeContainer() {
		EngineProbe.remove("perch-" + name);
		runtime.destroy();
	}

	@Test
	void publishesAPortForwardOnLoopbackOnlyAndReachesTheContainerByItsAddress() throws Exception {
		Path home = Files.createDirectories(root.resolve(name).resolve("home"));
		Files.createDirectories(home.resolve("www"));
		Files.writeString(home.resolve("www/hello.txt"), "hello from the container\n");
		WorkspaceSpec created = new WorkspaceSpec(name, EngineProbe.IMAGE, Map.of(), home,
				List.of(new PortForward(8080, freeLoopbackPort())), null);
		WorkspaceSpec spec = created.withRuntimeId(runtime.create(created).block(BOUND));
		runtime.start(spec).block(BOUND);
		runtime.spawn(spec, new ProcessSpec(List.of("httpd", "-f", "-p", "8080", "-h", "/home/workspace/www"), null,
				Map.of(), "httpd.log")).block(BOUND);

		JsonNode container = EngineProbe.container("perch-" + name);
		JsonNode published = container.path("NetworkSettings").path("Ports").path("8080/tcp");
		assertThat(published.size()).isEqualTo(1);
		assertThat(published.path(0).path("HostIp").asString()).isEqualTo("127.0.0.1");
		int hostPort = Integer.parseInt(published.path(0).path("HostPort").asString());
		assertThat(hostPort).isEqualTo(spec.ports().get(0).hostPort());

		assertThat(fetch("127.0.0.1", hostPort)).isEqualTo("hello from the container\n");
		String address = runtime.reachableHost(spec).block(BOUND);
		assertThat(address).isEqualTo(container.path("NetworkSettings").path("Networks").path("bridge")
			.path("IPAddress").asString()).isNotEqualTo("127.0.0.1");
		assertThat(fetch(address, 8080)).isEqualTo("hello from the container\n");
		for (InetAddress external : externalAddresses()) {
			assertThatThrownBy(() -> connect(external, hostPort)).as("port %d on %s", hostPort, external)
				.isInstanceOf(IOException.class);
		}

		StepVerifier.create(runtime.delete(spec).then(runtime.status(spec)))
			.expectNext(WorkspaceStatus.MISSING)
			.expectComplete()
			.verify(BOUND);
	}

	private static int freeLoopbackPort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** GETs the file, retrying while the server in the container is still starting. */
	private String fetch(String host, int port) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/hello.txt"))
			.timeout(Duration.ofSeconds(2))
			.build();
		Mono<String> body = Mono.fromCallable(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
			.filter(response -> response.statusCode() == 200)
			.map(HttpResponse::body);
		return body.retryWhen(reactor.util.retry.Retry.fixedDelay(50, Duration.ofMillis(100)))
			.repeatWhenEmpty(50, repeats -> repeats.delayElements(Duration.ofMillis(100)))
			.block(BOUND);
	}

	private static void connect(InetAddress address, int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), 1000);
		}
	}

	/** This host's IPv4 addresses other than loopback and the engine's bridge gateway. */
	private static List<InetAddress> externalAddresses() throws IOException {
		return Flux.fromStream(NetworkInterface.networkInterfaces())
			.filter(network -> !network.getName().startsWith("docker") && !network.getName().startsWith("veth"))
			.flatMapIterable(network -> network.inetAddresses().toList())
			.filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
			.collectList()
			.block(BOUND);
	}

}
