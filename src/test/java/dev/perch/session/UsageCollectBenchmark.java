package dev.perch.session;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.PerchApplication;
import dev.perch.session.internal.CollectionReport;
import dev.perch.session.internal.UsageCollector;
import dev.perch.workspace.CreateWorkspaceRequest;
import dev.perch.workspace.WorkspaceService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 6's collection figures, side by side with ccusage (a main class, not a test: nothing asserts on
 * time). Starts Perch (profile {@code test}: in-memory H2, bound to 127.0.0.1; retention 100 years so the
 * corpus' dates count whatever today is), hard-links a corpus from {@code shared/harness/agents/make-corpus.py}
 * ({@code claude/} and {@code codex/}) into a workspace home, then measures through {@link UsageCollector}
 * the first collection, re-collections with nothing changed, one line appended to a Claude transcript and
 * to a Codex rollout, and over HTTP {@code GET /api/v1/usage/summary} by day and model. Each phase reports
 * wall time, peak heap used and peak resident memory (VmHWM, reset per phase through
 * {@code /proc/self/clear_refs} where the kernel lets it). Then compares tokens per day and model between
 * Perch, the corpus' {@code EXPECTED.json} and, if given, ccusage's {@code daily --json} output.
 * Usage: {@code UsageCollectBenchmark <corpus> [<ccusage daily json> <ccusage wall ms> <ccusage max RSS kB>
 * [<ccusage native binary wall ms>]]}
 * ({@code bench/collect.sh} runs both).
 */
public final class UsageCollectBenchmark {

	private static final String SUMMARY = "/api/v1/usage/summary?from=2026-08-01&to=2026-11-30&tz=UTC&interval=day&groupBy=model";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	public static void main(String[] args) throws Exception {
		Path corpus = Path.of(args[0]).toAbsolutePath();
		Path ccusageJson = args.length > 1 ? Path.of(args[1]) : null;
		double ccusageMs = args.length > 2 ? Double.parseDouble(args[2]) : Double.NaN;
		long ccusageRssKb = args.length > 3 ? Long.parseLong(args[3]) : -1;
		double nativeMs = args.length > 4 && !args[4].isBlank() ? Double.parseDouble(args[4]) : Double.NaN;
		System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
		double summaryColdMs;
		double summaryWarmMs;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PerchApplication.class)
			.profiles("test")
			.properties("server.port=0", "server.address=127.0.0.1", "logging.level.root=warn")
			.run("--perch.usage.retention=36500d")) {
			WorkspaceService workspaces = context.getBean(WorkspaceService.class);
			UsageCollector collector = context.getBean(UsageCollector.class);
			workspaces.create(new CreateWorkspaceRequest("bench", "local", null, null, null, null)).block();
			Path home = workspaces.home("bench").block();
			link(corpus.resolve("claude"), home.resolve(".claude"));
			link(corpus.resolve("codex"), home.resolve(".codex"));
			// the files the benchmark appends to get copies of their own first, so the corpus stays as generated
			Path transcript = ownCopy(largest(home.resolve(".claude/projects"), "glob:**/*.jsonl", 2));
			Path rollout = ownCopy(largest(home.resolve(".codex/sessions"), "glob:**/rollout-*.jsonl", 4));

			Measured<CollectionReport> first = measure(() -> collector.collect("bench").block(Duration.ofMinutes(30)));
			System.out.printf(Locale.ROOT, "first collection: %s%n  %s%n", first, first.value());

			String port = context.getEnvironment().getProperty("local.server.port");
			WebClient web = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
				.defaultHeader("Authorization", "Bearer test-token")
				.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20)).build();
			Measured<String> cold = measure(() -> web.get().uri(SUMMARY).retrieve().bodyToMono(String.class).block());
			// a server answering a dashboard is warm: 200 requests for the JIT (not measured), then 50 measured
			for (int i = 0; i < 200; i++) {
				web.get().uri(SUMMARY).retrieve().bodyToMono(String.class).block();
			}
			List<Double> warmMs = new ArrayList<>();
			Measured<String> warm = measure(() -> {
				String last = null;
				for (int i = 0; i < 50; i++) {
					long t = System.nanoTime();
					last = web.get().uri(SUMMARY).retrieve().bodyToMono(String.class).block();
					warmMs.add((System.nanoTime() - t) / 1e6);
				}
				return last;
			});
			System.out.printf(Locale.ROOT, "summary by day and model (HTTP), first: %s, %d bytes%n", cold, cold.value().length());
			System.out.printf(Locale.ROOT, "summary by day and model (HTTP), 50 after 200 warm-up requests: p50 %.1f ms, max %.1f ms; phase %s%n",
					percentile(warmMs, 50), percentile(warmMs, 100), warm);
			summaryColdMs = cold.millis();
			summaryWarmMs = percentile(warmMs, 50);

			Map<String, long[]> perch = perchByDayAndModel(warm.value());
			Map<String, long[]> expected = expectedByDayAndModel(corpus.resolve("EXPECTED.json"));
			compare("Perch", perch, "EXPECTED.json", expected);
			if (ccusageJson != null) {
				compare("Perch", perch, "ccusage", ccusageByDayAndModel(ccusageJson));
			}
			System.out.println("totals by agent: " + web.get()
				.uri("/api/v1/usage/summary?from=2026-08-01&to=2026-11-30&tz=UTC&groupBy=agent")
				.retrieve().bodyToMono(String.class).block());

			List<Double> rescanMs = new ArrayList<>();
			Measured<Boolean> rescans = measure(() -> {
				for (int i = 0; i < 20; i++) {
					long t = System.nanoTime();
					CollectionReport again = collector.collect("bench").block(Duration.ofMinutes(5));
					rescanMs.add((System.nanoTime() - t) / 1e6);
					if (again.workspacesSkipped() != 1) {
						throw new IllegalStateException("not skipped: " + again);
					}
				}
				return true;
			});
			System.out.printf(Locale.ROOT, "re-collection, nothing changed, n=20: p50 %.1f ms, max %.1f ms; phase %s%n",
					percentile(rescanMs, 50), percentile(rescanMs, 100), rescans);

			String session = transcript.getFileName().toString().replace(".jsonl", "");
			List<Double> appendMs = new ArrayList<>();
			List<CollectionReport> appended = new ArrayList<>();
			Measured<Boolean> appends = measure(() -> {
				for (int i = 0; i < 10; i++) {
					Files.writeString(transcript, SessionFixtures.claudeAssistant(session, UUID.randomUUID().toString(),
							"msg_benchappended" + i, "req_benchappended" + i, "2026-11-20T10:00:00Z", "appended", 10, 20) + "\n",
							StandardOpenOption.APPEND);
					long t = System.nanoTime();
					appended.add(collector.collect("bench").block(Duration.ofMinutes(5)));
					appendMs.add((System.nanoTime() - t) / 1e6);
				}
				return true;
			});
			System.out.printf(Locale.ROOT, "one line appended to a %d KB Claude transcript (the largest), n=10: p50 %.1f ms, max %.1f ms;"
					+ " phase %s%n  last: %s%n", Files.size(transcript) >> 10, percentile(appendMs, 50),
					percentile(appendMs, 100), appends, appended.get(appended.size() - 1));

			Files.writeString(rollout, nextCodexTotals(rollout) + "\n", StandardOpenOption.APPEND);
			Measured<CollectionReport> codex = measure(() -> collector.collect("bench").block(Duration.ofMinutes(5)));
			System.out.printf(Locale.ROOT, "one token_count line appended to a Codex rollout: %s%n  %s%n", codex, codex.value());
		}
		System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
		if (ccusageJson != null) {
			System.out.printf(Locale.ROOT, "ccusage daily --json --offline -z UTC: %.0f ms wall (median of 3), max RSS %d MB%n",
					ccusageMs, ccusageRssKb >> 10);
			System.out.printf(Locale.ROOT, "ccusage daily / Perch summary: %.1fx (warm p50), %.1fx (first request)%n",
					ccusageMs / summaryWarmMs, ccusageMs / summaryColdMs);
			if (!Double.isNaN(nativeMs)) {
				System.out.printf(Locale.ROOT, "ccusage native binary alone: %.0f ms (median of 3); / Perch summary: %.1fx (warm p50),"
						+ " %.1fx (first request)%n", nativeMs, nativeMs / summaryWarmMs, nativeMs / summaryColdMs);
			}
		}
	}

	/** A value and what it took: wall time, peak heap used, peak resident memory of the process during the phase. */
	record Measured<T>(T value, double millis, long heapPeakMb, long rssPeakMb) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%.1f ms wall, heap used peak %d MB, process RSS peak %s", millis, heapPeakMb,
					rssPeakMb < 0 ? "n/a" : rssPeakMb + " MB");
		}

	}

	private static <T> Measured<T> measure(Callable<T> phase) throws Exception {
		boolean reset = resetPeakRss();
		AtomicLong peak = new AtomicLong(MEMORY.getHeapMemoryUsage().getUsed());
		AtomicBoolean running = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (running.get()) {
				peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		sampler.start();
		long started = System.nanoTime();
		T value;
		try {
			value = phase.call();
		}
		finally {
			running.set(false);
			sampler.join();
		}
		double millis = (System.nanoTime() - started) / 1e6;
		peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
		return new Measured<>(value, millis, peak.get() >> 20, reset ? peakRssKb() >> 10 : -1);
	}

	/** Resets the kernel's peak RSS of this process (VmHWM); false where that is not allowed. */
	private static boolean resetPeakRss() {
		try {
			Files.writeString(Path.of("/proc/self/clear_refs"), "5");
			return true;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	private static long peakRssKb() throws IOException {
		try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
			return lines.filter(line -> line.startsWith("VmHWM:"))
				.map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
				.findFirst()
				.orElse(-1L);
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (IOException ex) {
			return "n/a";
		}
	}

	/** "day model" → input (non-cached), output, cache write (5m + 1h), cache read. */
	private static Map<String, long[]> perchByDayAndModel(String summary) {
		Map<String, long[]> rows = new TreeMap<>();
		for (JsonNode row : JSON.readTree(summary).path("rows")) {
			rows.put(row.path("period").asString() + " " + row.path("model").asString(),
					new long[] { row.path("input").asLong(), row.path("output").asLong(),
							row.path("cacheWrite5m").asLong() + row.path("cacheWrite1h").asLong(), row.path("cacheRead").asLong() });
		}
		return rows;
	}

	/** make-corpus.py's ground truth; its Codex input includes cached input, which is taken out here. */
	private static Map<String, long[]> expectedByDayAndModel(Path file) throws IOException {
		Map<String, long[]> rows = new TreeMap<>();
		for (JsonNode row : JSON.readTree(Files.readString(file)).path("rows")) {
			boolean codex = "codex".equals(row.path("agent").asString());
			long cached = row.path("cached_input").asLong();
			rows.merge(row.path("date").asString() + " " + row.path("model").asString(),
					new long[] { row.path("input").asLong() - (codex ? cached : 0), row.path("output").asLong(),
							row.path("cache_create").asLong(), codex ? cached : row.path("cache_read").asLong() },
					UsageCollectBenchmark::add);
		}
		return rows;
	}

	/** {@code ccusage daily --json}: its {@code inputTokens} is non-cached input for Codex too. */
	private static Map<String, long[]> ccusageByDayAndModel(Path file) throws IOException {
		Map<String, long[]> rows = new TreeMap<>();
		for (JsonNode day : JSON.readTree(Files.readString(file)).path("daily")) {
			for (JsonNode model : day.path("modelBreakdowns")) {
				rows.merge(day.path("period").asString() + " " + model.path("modelName").asString(),
						new long[] { model.path("inputTokens").asLong(), model.path("outputTokens").asLong(),
								model.path("cacheCreationTokens").asLong(), model.path("cacheReadTokens").asLong() },
						UsageCollectBenchmark::add);
			}
		}
		return rows;
	}

	private static long[] add(long[] a, long[] b) {
		long[] sum = a.clone();
		for (int i = 0; i < sum.length; i++) {
			sum[i] += b[i];
		}
		return sum;
	}

	private static void compare(String leftName, Map<String, long[]> left, String rightName, Map<String, long[]> right) {
		List<String> differences = new ArrayList<>();
		for (String key : new TreeSet<>(union(left, right))) {
			long[] a = left.getOrDefault(key, new long[4]);
			long[] b = right.getOrDefault(key, new long[4]);
			if (!java.util.Arrays.equals(a, b)) {
				differences.add(String.format(Locale.ROOT, "  %s: %s %s, %s %s (input, output, cache write, cache read)", key,
						leftName, java.util.Arrays.toString(a), rightName, java.util.Arrays.toString(b)));
			}
		}
		long[] total = left.values().stream().reduce(new long[4], UsageCollectBenchmark::add);
		System.out.printf(Locale.ROOT, "tokens per day and model, %s vs %s: %d rows, %d differ; %s totals %s%n", leftName,
				rightName, union(left, right).size(), differences.size(), leftName, java.util.Arrays.toString(total));
		differences.stream().limit(20).forEach(System.out::println);
	}

	private static java.util.Set<String> union(Map<String, long[]> a, Map<String, long[]> b) {
		java.util.Set<String> keys = new TreeSet<>(a.keySet());
		keys.addAll(b.keySet());
		return keys;
	}

	/** A copy of the rollout's last {@code token_count} with 1,000 more input (400 cached) and 20 more output. */
	private static String nextCodexTotals(Path rollout) throws IOException {
		List<String> lines = Files.readAllLines(rollout);
		Collections.reverse(lines);
		String last = lines.stream().filter(line -> line.contains("\"token_count\"") && line.contains("total_token_usage"))
			.findFirst().orElseThrow();
		ObjectNode record = (ObjectNode) JSON.readTree(last);
		ObjectNode total = (ObjectNode) record.path("payload").path("info").path("total_token_usage");
		total.put("input_tokens", total.path("input_tokens").asLong() + 1000);
		total.put("cached_input_tokens", total.path("cached_input_tokens").asLong() + 400);
		total.put("output_tokens", total.path("output_tokens").asLong() + 20);
		total.put("total_tokens", total.path("total_tokens").asLong() + 1020);
		record.put("timestamp", "2026-11-20T10:00:00.000Z");
		return JSON.writeValueAsString(record);
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

	private static Path largest(Path root, String glob, int depth) throws IOException {
		java.nio.file.PathMatcher matcher = root.getFileSystem().getPathMatcher(glob);
		try (Stream<Path> files = Files.walk(root, depth)) {
			return files.filter(matcher::matches).max(java.util.Comparator.comparingLong(file -> file.toFile().length()))
				.orElseThrow();
		}
	}

	/** Replaces a hard link by a copy of its own (before the first collection, so that sees the copy). */
	private static Path ownCopy(Path file) throws IOException {
		Path copy = file.resolveSibling(file.getFileName() + ".copy");
		Files.copy(file, copy);
		Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
		return file;
	}

	private static double percentile(List<Double> values, int percent) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
	}

	private UsageCollectBenchmark() {
	}

}
