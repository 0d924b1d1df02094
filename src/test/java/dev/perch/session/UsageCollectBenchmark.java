package dev.perch.session;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.perch.PerchApplication;
import dev.perch.workspace.CreateWorkspaceRequest;
import dev.perch.workspace.WorkspaceService;

/**
 * Issue 6's collection figures (a main class, not a test: nothing asserts on time). Starts Perch (profile
 * {@code test}: in-memory H2, bound to 127.0.0.1), hard-links a corpus from
 * {@code shared/harness/agents/make-corpus.py} ({@code claude/} and {@code codex/}) into a workspace home,
 * then times through {@link UsageCollector}: the full first collection (read, dedupe, price, persist),
 * re-collections with nothing changed, and one appended line. Usage: {@code UsageCollectBenchmark <corpus>}.
 */
public final class UsageCollectBenchmark {

	public static void main(String[] args) throws Exception {
		Path corpus = Path.of(args[0]).toAbsolutePath();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PerchApplication.class)
			.profiles("test")
			.properties("server.port=0", "server.address=127.0.0.1", "logging.level.root=warn")
			.run()) {
			WorkspaceService workspaces = context.getBean(WorkspaceService.class);
			UsageCollector collector = context.getBean(UsageCollector.class);
			workspaces.create(new CreateWorkspaceRequest("bench", "local", null, null, null, null)).block();
			Path home = workspaces.home("bench").block();
			link(corpus.resolve("claude"), home.resolve(".claude"));
			link(corpus.resolve("codex"), home.resolve(".codex"));

			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			System.gc();
			long baseline = memory.getHeapMemoryUsage().getUsed();
			AtomicLong peak = new AtomicLong();
			AtomicBoolean collecting = new AtomicBoolean(true);
			Thread sampler = new Thread(() -> {
				while (collecting.get()) {
					peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			});
			sampler.start();
			long started = System.nanoTime();
			CollectionReport full = collector.collect("bench").block(Duration.ofMinutes(30));
			double seconds = (System.nanoTime() - started) / 1e9;
			collecting.set(false);
			sampler.join();
			System.out.printf(Locale.ROOT, "first collection: %.2f s, %s%n", seconds, full);
			System.out.printf(Locale.ROOT, "heap used before %d MB, peak while collecting %d MB (max heap %d MB)%n",
					baseline >> 20, peak.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);

			String port = context.getEnvironment().getProperty("local.server.port");
			org.springframework.web.reactive.function.client.WebClient web = org.springframework.web.reactive.function.client.WebClient
				.builder().baseUrl("http://127.0.0.1:" + port).defaultHeader("Authorization", "Bearer test-token")
				.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20)).build();
			for (int i = 0; i < 6; i++) {
				long t = System.nanoTime();
				String summary = web.get().uri("/api/v1/usage/summary?from=2026-08-01&to=2026-11-30&tz=UTC&interval=day&groupBy=model")
					.retrieve().bodyToMono(String.class).block();
				System.out.printf(Locale.ROOT, "summary by day and model over the corpus (HTTP): %.1f ms, %d bytes%n",
						(System.nanoTime() - t) / 1e6, summary.length());
			}
			System.out.println("totals by agent: " + web.get()
				.uri("/api/v1/usage/summary?from=2026-08-01&to=2026-11-30&tz=UTC&groupBy=agent")
				.retrieve().bodyToMono(String.class).block());
			System.out.println("expected (make-corpus.py): " + Files.readString(corpus.resolve("EXPECTED.json"))
				.replaceAll("(?s).*\"totals\"", "\"totals\""));

			List<Long> rescans = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				long t = System.nanoTime();
				CollectionReport again = collector.collect("bench").block(Duration.ofMinutes(5));
				rescans.add(System.nanoTime() - t);
				if (again.workspacesSkipped() != 1) {
					throw new IllegalStateException("not skipped: " + again);
				}
			}
			report("re-collection, nothing changed", rescans);

			Path transcript = largestClaudeTranscript(home);
			String session = transcript.getFileName().toString().replace(".jsonl", "");
			Path copy = transcript.resolveSibling(session + ".copy");
			Files.copy(transcript, copy);
			Files.move(copy, transcript, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // the corpus keeps its file
			Files.writeString(transcript, SessionFixtures.claudeAssistant(session, java.util.UUID.randomUUID().toString(),
					"msg_benchappended0001", "req_benchappended0001", "2026-11-20T10:00:00Z", "appended", 10, 20) + "\n",
					StandardOpenOption.APPEND);
			started = System.nanoTime();
			CollectionReport appended = collector.collect("bench").block(Duration.ofMinutes(30));
			System.out.printf(Locale.ROOT, "one line appended: %.2f s, %s%n", (System.nanoTime() - started) / 1e9, appended);
		}
	}

	/** Hard links of every file (the corpus stays where it is; no copy of hundreds of MB). */
	private static void link(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : files.toList()) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.createLink(target, file);
				}
			}
		}
	}

	private static Path largestClaudeTranscript(Path home) throws IOException {
		try (Stream<Path> files = Files.walk(home.resolve(".claude/projects"), 2)) {
			return files.filter(file -> file.toString().endsWith(".jsonl"))
				.max(java.util.Comparator.comparingLong(file -> file.toFile().length()))
				.orElseThrow();
		}
	}

	private static void report(String what, List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		System.out.printf(Locale.ROOT, "%s: n=%d p50 %.1f ms, max %.1f ms%n", what, sorted.size(),
				sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
	}

	private UsageCollectBenchmark() {
	}

}
