package dev.perch.session.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.springframework.util.unit.DataSize;

import dev.perch.session.MessagePage;
import dev.perch.support.TestDatabase;

import static dev.perch.session.SessionFixtures.*;

/**
 * The sessions benchmark (not a test): a workspace home with 2,000 sessions built from the real
 * fixtures, five of them 100 MB transcripts, indexed on H2 in memory with the production readers.
 * Prints first index time, peak heap while indexing, warm list latency and the time to the first
 * history page of each 100 MB transcript. Run: {@code bench/sessions.sh} (see docs/benchmarks.md).
 */
public final class SessionsBenchmark {

	private static final long BIG = 100L * 1024 * 1024;

	public static void main(String[] args) throws Exception {
		Path home = Path.of(args.length > 0 ? args[0] : "target/bench-home").toAbsolutePath();
		int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
		if (!Files.exists(home)) {
			long started = System.nanoTime();
			generate(home, sessions);
			System.out.printf(Locale.ROOT, "generated %d sessions (%s) in %.1f s%n", sessions, size(home), seconds(started));
		}
		SessionMetaRepository repository = TestDatabase.H2.migrated().repository(SessionMetaRepository.class);
		SessionProperties properties = SessionProperties.defaults();
		SessionIndex index = new SessionIndex(List.of(claude(), codex(), opencode()), repository, properties, Clock.systemUTC());

		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		long baseline = memory.getHeapMemoryUsage().getUsed();
		AtomicLong peak = new AtomicLong();
		AtomicBoolean indexing = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (indexing.get()) {
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
		index.refreshNow("bench", home).block(Duration.ofMinutes(30));
		double firstIndex = seconds(started);
		indexing.set(false);
		sampler.join();
		long rows = repository.findByWorkspace("bench").count().block();
		System.out.printf(Locale.ROOT, "first index: %d rows in %.1f s; heap used before %d MB, peak while indexing %d MB (max heap %d MB)%n",
				rows, firstIndex, mb(baseline), mb(peak.get()), mb(Runtime.getRuntime().maxMemory()));

		List<String> agents = List.of("opencode", "claude", "codex");
		Instant end = Instant.parse("9999-12-31T00:00:00Z");
		for (int i = 0; i < 200; i++) {
			index.indexed("bench", home).then(repository.page("bench", agents, end, Long.MAX_VALUE, 51).collectList()).block();
		}
		List<Long> warm = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			long t = System.nanoTime();
			index.indexed("bench", home).then(repository.page("bench", agents, end, Long.MAX_VALUE, 51).collectList()).block();
			warm.add(System.nanoTime() - t);
		}
		report("warm list (served from the index, 50 newest)", warm);
		List<Long> rescan = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			long t = System.nanoTime();
			index.refreshNow("bench", home).then(repository.page("bench", agents, end, Long.MAX_VALUE, 51).collectList()).block();
			rescan.add(System.nanoTime() - t);
		}
		report("background re-scan of 2,000 unchanged sources (+ the list query)", rescan);

		List<Long> firstPage = new ArrayList<>();
		for (AgentReader reader : List.<AgentReader>of(claude(), codex())) {
			for (SessionSource source : reader.sources(home)) {
				if (source.size() < BIG) {
					continue;
				}
				for (int i = 0; i < 10; i++) {
					long t = System.nanoTime();
					MessagePage page = reader.messages(home, source, 50, null);
					firstPage.add(System.nanoTime() - t);
					if (page.items().size() != 50) {
						throw new IllegalStateException("short page: " + page.items().size());
					}
				}
			}
		}
		report("first history page (50 messages) of a 100 MB transcript", firstPage);
	}

	private static void report(String what, List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		System.out.printf(Locale.ROOT, "%s: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted.size(),
				sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6,
				sorted.get(sorted.size() - 1) / 1e6);
	}

	/** 2,000 sessions: copies of the real fixtures with new ids (60 % Claude Code), five of them padded to 100 MB. */
	static void generate(Path home, int sessions) throws IOException {
		Path fixtures = fixtures();
		List<Path> claude;
		try (Stream<Path> files = Files.list(fixtures.resolve("claude/projects")).flatMap(SessionsBenchmark::jsonl)) {
			claude = files.sorted().toList();
		}
		List<Path> codex;
		try (Stream<Path> files = Files.walk(fixtures.resolve("codex/sessions"))) {
			codex = files.filter(file -> file.toString().endsWith(".jsonl")).sorted().toList();
		}
		// three Claude Code and two Codex transcripts padded to 100 MB
		java.util.Set<Integer> bigOnes = java.util.Set.of(0, sessions / 5, 2 * sessions / 5 + 3, 3 * sessions / 5, 4 * sessions / 5 + 4);
		for (int i = 0; i < sessions; i++) {
			boolean big = bigOnes.contains(i);
			String id = uuid(i);
			if (i % 5 < 3) {
				Path template = claude.get(i % claude.size());
				String oldId = template.getFileName().toString().replace(".jsonl", "");
				Path folder = Files.createDirectories(home.resolve(".claude/projects/-home-dev-ws" + (i % 40) + "-proj"));
				Path target = folder.resolve(id + ".jsonl");
				Files.writeString(target, Files.readString(template).replace(oldId, id));
				Path subagents = template.resolveSibling(oldId).resolve("subagents");
				if (Files.isDirectory(subagents)) {
					copy(subagents, folder.resolve(id).resolve("subagents"));
					try (Stream<Path> subs = Files.list(folder.resolve(id).resolve("subagents"))) {
						for (Path sub : subs.toList()) {
							Files.writeString(sub, Files.readString(sub).replace(oldId, id));
						}
					}
				}
				if (big) {
					padClaude(target, id);
				}
			}
			else {
				Path template = codex.get(i % codex.size());
				String name = template.getFileName().toString();
				String oldId = name.substring(name.length() - 42, name.length() - 6);
				Path folder = Files.createDirectories(home.resolve(String.format(Locale.ROOT, ".codex/sessions/2026/%02d/%02d", 9 + i % 3, 1 + i % 28)));
				Path target = folder.resolve(name.replace(oldId, id));
				Files.writeString(target, Files.readString(template).replace(oldId, id));
				if (big) {
					padCodex(target);
				}
			}
		}
	}

	private static Stream<Path> jsonl(Path folder) {
		try {
			return Files.list(folder).filter(file -> file.toString().endsWith(".jsonl")).toList().stream();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static String uuid(int i) {
		return new UUID(0x0a0b0c0d_0000_4000L | ((long) i << 16), 0x8000_0000_0000_0000L | i).toString();
	}

	private static void padClaude(Path file, String id) throws IOException {
		String padding = "lorem ipsum dolor sit amet ".repeat(70);
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
			long written = Files.size(file);
			for (int n = 0; written < BIG || n % 2 == 1; n++) {
				String line = n % 2 == 0 ? claudeUser(id, "pad-u" + n, "/home/dev/big", "2026-11-26T00:00:00Z", "q " + n)
						: claudeAssistant(id, "pad-a" + n, "msg_pad" + n, "req_pad" + n, "2026-11-26T00:00:01Z", "a " + n, 10, 20);
				line = line.replace("\"q ", "\"" + padding + " q ").replace("\"a ", "\"" + padding + " a ");
				out.write(line);
				out.write('\n');
				written += line.length() + 1;
			}
		}
	}

	private static void padCodex(Path file) throws IOException {
		String padding = "lorem ipsum dolor sit amet ".repeat(70);
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
			long written = Files.size(file);
			for (int n = 0; written < BIG; n++) {
				String role = n % 2 == 0 ? "user" : "assistant";
				String line = "{\"timestamp\":\"2026-11-26T00:00:00.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"id\":\"msg_pad"
						+ n + "\",\"role\":\"" + role + "\",\"content\":[{\"type\":\"" + (n % 2 == 0 ? "input_text" : "output_text")
						+ "\",\"text\":\"" + padding + n + "\"}]}}";
				out.write(line);
				out.write('\n');
				written += line.length() + 1;
			}
		}
	}

	private static String size(Path home) throws IOException {
		try (Stream<Path> files = Files.walk(home)) {
			long bytes = files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
			return mb(bytes) + " MB";
		}
	}

	private static long mb(long bytes) {
		return bytes / (1024 * 1024);
	}

	private static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

}
