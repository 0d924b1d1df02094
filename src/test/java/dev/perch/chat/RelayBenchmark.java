package dev.perch.chat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.opencode.FakeModel;
import dev.perch.opencode.OpenCodeInstallation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenCode figures of docs/benchmarks.md, against the real opencode serve and the fake model.
 * Opt-in, not picked by surefire or failsafe by name: {@code ./mvnw -o verify -Dtest=RelayBenchmark -Dperch.bench=true -DskipITs}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@EnabledIfSystemProperty(named = "perch.bench", matches = "true")
class RelayBenchmark {

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private static final FakeModel model = new FakeModel();

	private static final String WS = "bench";

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void opencode(DynamicPropertyRegistry registry) throws IOException {
		Path config = OpenCodeInstallation.writeConfig(Files.createTempDirectory("perch-bench"), model);
		registry.add("perch.opencode.binary", () -> String.valueOf(OpenCodeInstallation.binary()));
		registry.add("perch.opencode.ports", () -> "4200-4249");
		registry.add("perch.opencode.startup-timeout", () -> "90s");
		registry.add("perch.opencode.idle-check", () -> "1h");
		registry.add("perch.opencode.connect-timeout", () -> "30s");
		registry.add("perch.opencode.existence-timeout", () -> "30s");
		OpenCodeInstallation.environment(config)
			.forEach((name, value) -> registry.add("perch.opencode.env[" + name + "]", () -> value));
	}

	@AfterAll
	static void stop() {
		model.close();
		if (pool != null) {
			pool.dispose();
		}
	}

	private static WebClient perch;

	private static ConnectionProvider pool;

	private static String session;

	private static int opencodePort;

	@org.junit.jupiter.api.BeforeEach
	void setUp() {
		if (perch != null) {
			return;
		}
		pool = ConnectionProvider.builder("bench").maxConnections(1200).pendingAcquireMaxCount(-1).build();
		perch = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
			.defaultHeaders(headers -> headers.setBearerAuth("test-token")).build();
		perch.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", WS, "runtime", "local")).retrieve().toBodilessEntity().block();
		perch.post().uri("/api/v1/workspaces/{ws}/start", WS).retrieve().toBodilessEntity().block();
		session = perch.post().uri("/api/v1/workspaces/{ws}/sessions", WS).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "bench")).retrieve().bodyToMono(Map.class).block().get("id").toString();
		Map<?, ?> server = perch.get().uri("/api/v1/workspaces/{ws}/opencode", WS).retrieve().bodyToMono(Map.class).block();
		opencodePort = (Integer) server.get("port");
	}

	@Test
	void unknownSessionLatency() {
		List<Long> nanos = new ArrayList<>();
		for (int i = 0; i < 1100; i++) {
			long start = System.nanoTime();
			int status = perch.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, "ses_0000000000000000000unknown" + i)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "x"))
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())).block();
			assertThat(status).isEqualTo(404);
			if (i >= 100) {
				nanos.add(System.nanoTime() - start);
			}
		}
		Collections.sort(nanos);
		System.out.printf("BENCH unknown-session n=%d p50=%.2fms p99=%.2fms max=%.2fms%n", nanos.size(),
				nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) (nanos.size() * 0.99)) / 1e6, nanos.get(nanos.size() - 1) / 1e6);
		ConnectionProvider directPool = ConnectionProvider.create("direct", 1);
		WebClient direct = WebClient.builder().baseUrl("http://127.0.0.1:" + opencodePort)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(directPool))).build();
		List<Long> directNanos = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			long start = System.nanoTime();
			direct.get().uri("/session/{id}?directory=/tmp", "ses_0000000000000000000unknown" + i)
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())).block();
			directNanos.add(System.nanoTime() - start);
		}
		directPool.disposeLater().block();
		Collections.sort(directNanos);
		System.out.printf("BENCH unknown-session-direct-to-opencode n=%d p50=%.2fms p99=%.2fms%n", directNanos.size(),
				directNanos.get(500) / 1e6, directNanos.get(990) / 1e6);
	}

	@Test
	void connectDisconnectCyclesLeaveNoUpstreamConnection() throws Exception {
		for (int i = 0; i < 1000; i++) {
			perch.get().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/events", WS, session)
				.accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(EVENTS).take(1).blockLast(Duration.ofSeconds(30));
		}
		System.out.printf("BENCH connect-disconnect cycles=1000 upstream-connections-after=%d%n", connections(opencodePort));
		Thread.sleep(35_000);
		long left = connections(opencodePort);
		System.out.printf("BENCH connect-disconnect upstream-connections-after-idle-eviction=%d viewer-connections-to-perch=%d%n",
				left, connections(port));
		assertThat(left).isZero();
	}

	@Test
	void thousandViewersOfOneSession() throws Exception {
		int viewers = 1000;
		Flux<Long> all = Flux.range(0, viewers).flatMap(i -> perch.get()
			.uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/events", WS, session)
			.accept(MediaType.TEXT_EVENT_STREAM).retrieve().bodyToFlux(EVENTS)
			.filter(event -> event.event() != null)
			.takeUntil(event -> "done".equals(event.event()))
			.count(), viewers);
		Mono<List<Long>> counts = all.collectList().cache();
		counts.subscribe();
		Thread.sleep(35_000);
		System.out.printf("BENCH viewers=%d upstream-connections-while-viewing-after-idle-eviction=%d%n", viewers, connections(opencodePort));
		perch.post().uri("/api/v1/workspaces/{ws}/sessions/opencode/{id}/messages", WS, session)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "fan out [[fake:reply=" + "x".repeat(200) + "]] [[fake:chunks=50]]"))
			.retrieve().bodyToFlux(EVENTS).blockLast(Duration.ofMinutes(2));
		List<Long> received = counts.block(Duration.ofMinutes(2));
		System.gc();
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		long complete = received.stream().filter(n -> n == received.get(0)).count();
		System.out.printf("BENCH viewers=%d all-got-done=%d events-each=%d heap-after-gc=%dMB rss=%s%n", viewers,
				complete, received.get(0), heap / 1024 / 1024, rss());
	}

	private static long connections(int port) throws Exception {
		Process ss = new ProcessBuilder("ss", "-Htno", "state", "established", "dst", "127.0.0.1:" + port).start();
		String out = new String(ss.getInputStream().readAllBytes());
		ss.waitFor();
		System.out.println("BENCH ss: " + out.replace('\n', '|'));
		return out.lines().filter(line -> !line.isBlank()).count();
	}

	private static String rss() throws IOException {
		return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmRSS"))
			.map(line -> line.replaceAll("\\s+", " ")).findFirst().orElse("?");
	}

}
