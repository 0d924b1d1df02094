package dev.perch.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.support.TestDatabase;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import dev.perch.usage.internal.Buckets;
import dev.perch.usage.internal.Interval;
import dev.perch.usage.internal.RecordFilter;
import dev.perch.usage.internal.UsageSummary;
import reactor.core.publisher.Flux;

/**
 * Ingest and summary figures on PostgreSQL (not a test: nothing is asserted on time). Run with
 * {@code ./mvnw -q -o test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.perch.usage.UsageBenchmark}
 * (PostgreSQL at {@code PERCH_TEST_POSTGRES_URL}, default 127.0.0.1:5432/perch_test; args: records, batch size,
 * concurrent batches, and {@code pooled} to use a connection pool as the application does). It drops its
 * schema at the end.
 */
public final class UsageBenchmark {

	private static final String[] MODELS = { "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001",
			"claude-opus-4-1-20250805", "gpt-5-codex", "gpt-5-mini", "claude-opus-5-5" };

	private static final String[] AGENTS = { "claude", "codex", "opencode" };

	private static final Instant OCTOBER = LocalDate.parse("2026-10-01").atStartOfDay(ZoneId.of("UTC")).toInstant();

	private static final long OCTOBER_SECONDS = Duration.ofDays(31).toSeconds();

	private UsageBenchmark() {
	}

	public static void main(String[] args) {
		int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
		int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
		int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 2;
		boolean pooled = args.length > 3 && args[3].equals("pooled");
		TestDatabase.Migrated migrated = TestDatabase.POSTGRES.migrated();
		if (pooled) {
			// as the application runs (Spring Boot pools R2DBC connections): no new backend per transaction
			migrated = new TestDatabase.Migrated(migrated.database(), new ConnectionPool(ConnectionPoolConfiguration
				.builder(migrated.connectionFactory()).initialSize(concurrency).maxSize(concurrency + 2).build()),
					migrated.flyway());
		}
		var usage = UsageFixtures.module(migrated);
		System.out.printf("connections: %s%n", pooled ? "a pool of " + (concurrency + 2) : "a new one per transaction");
		String schema = DatabaseClient.create(usage.database().connectionFactory())
			.sql("SELECT current_schema() AS s")
			.map(row -> row.get("s", String.class))
			.one()
			.block(Duration.ofMinutes(1));
		try {
			run(usage, total, batchSize, concurrency);
		}
		finally {
			// the benchmark's own schema: a million records are not left behind in the shared test database
			DatabaseClient.create(usage.database().connectionFactory())
				.sql("DROP SCHEMA \"" + schema + "\" CASCADE")
				.then()
				.block(Duration.ofMinutes(2));
			System.out.printf("dropped schema %s%n", schema);
		}
	}

	private static void run(UsageFixtures.Module usage, int total, int batchSize, int concurrency) {
		System.out.printf("PostgreSQL %s, %d records in batches of %d, %d batches at a time, %d cores, max heap %d MB%n",
				TestDatabase.postgresAddress(), total, batchSize, concurrency, Runtime.getRuntime().availableProcessors(),
				Runtime.getRuntime().maxMemory() >> 20);

		// warm-up: JIT, connection setup, price table (its own keys, not counted below)
		ingest(usage, "warm", 20_000, batchSize, concurrency);

		long started = System.nanoTime();
		IngestResult fresh = ingest(usage, "r", total, batchSize, concurrency);
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("ingest new:        %,d recorded in %.2f s = %,.0f records/s%n", fresh.recorded(), seconds,
				fresh.recorded() / seconds);

		int repeat = Math.min(total, 200_000);
		started = System.nanoTime();
		IngestResult again = ingest(usage, "r", repeat, batchSize, concurrency);
		seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("ingest re-post:    %,d received, %,d recorded, %,d duplicates in %.2f s = %,.0f records/s%n",
				again.received(), again.recorded(), again.duplicates(), seconds, again.received() / seconds);

		analyze(usage);
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		Instant from = LocalDate.parse("2026-10-01").atStartOfDay(berlin).toInstant();
		Instant to = LocalDate.parse("2026-11-01").atStartOfDay(berlin).toInstant();
		Buckets days = Buckets.of(from, to, berlin, Interval.DAY, 1000);
		RecordFilter october = new RecordFilter(from, to, null, null, null, null);
		long[] millis = new long[7];
		UsageSummary summary = null;
		for (int run = 0; run < millis.length; run++) {
			long t = System.nanoTime();
			summary = usage.summaries().summarize(days, List.of("model"), october).block(Duration.ofMinutes(2));
			millis[run] = (System.nanoTime() - t) / 1_000_000;
		}
		System.out.printf("summary October by day and model (Europe/Berlin): %d rows, %,d requests; runs %s ms, median %d ms%n",
				summary.rows().size(), summary.totals().requests(), Arrays.toString(millis), median(millis));
		System.out.printf("  unpriced models: %s, cost %s USD%n", summary.totals().unpricedModels(), summary.totals().cost());
		long[] recordMillis = new long[3];
		UsageSummary fromRecords = null;
		for (int run = 0; run < recordMillis.length; run++) {
			long t = System.nanoTime();
			fromRecords = usage.summaries().summarizeRecords(days, List.of("model"), october).block(Duration.ofMinutes(2));
			recordMillis[run] = (System.nanoTime() - t) / 1_000_000;
		}
		System.out.printf("  the same from the records (no rollup): runs %s ms, median %d ms; identical result: %s%n",
				Arrays.toString(recordMillis), median(recordMillis), fromRecords.equals(summary));
	}

	private static long median(long[] millis) {
		long[] sorted = millis.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static IngestResult ingest(UsageFixtures.Module usage, String prefix, int total, int batchSize,
			int concurrency) {
		int batches = (total + batchSize - 1) / batchSize;
		return Flux.range(0, batches)
			.flatMapSequential(batch -> usage.service().record("bench", batch(prefix, batch, batchSize, total)), concurrency)
			.reduce(new IngestResult(0, 0, 0), (a, b) -> new IngestResult(a.received() + b.received(),
					a.recorded() + b.recorded(), a.duplicates() + b.duplicates()))
			.block(Duration.ofMinutes(30));
	}

	private static List<UsageRecordRequest> batch(String prefix, int batch, int batchSize, int total) {
		List<UsageRecordRequest> records = new ArrayList<>(batchSize);
		for (int i = batch * batchSize; i < Math.min(total, (batch + 1) * batchSize); i++) {
			SplittableRandom random = new SplittableRandom(i);
			Tokens tokens = new Tokens(random.nextLong(1, 5_000), random.nextLong(1, 2_000), random.nextLong(0, 100_000),
					random.nextLong(0, 5_000), random.nextInt(10) == 0 ? random.nextLong(0, 2_000) : 0,
					random.nextLong(0, 500));
			records.add(new UsageRecordRequest(prefix + "-" + i, OCTOBER.plusSeconds(random.nextLong(OCTOBER_SECONDS)),
					"ws-" + random.nextInt(20), AGENTS[random.nextInt(AGENTS.length)], MODELS[random.nextInt(MODELS.length)],
					null, "session-" + random.nextInt(5_000), tokens, null, random.nextLong(100, 60_000), null));
		}
		return records;
	}

	private static void analyze(UsageFixtures.Module usage) {
		DatabaseClient db = DatabaseClient.create(usage.database().connectionFactory());
		db.sql("ANALYZE usage_record").then().block(Duration.ofMinutes(2));
		db.sql("ANALYZE usage_rollup").then().block(Duration.ofMinutes(2));
		long rollupRows = db.sql("SELECT COUNT(*) AS n FROM usage_rollup")
			.map(row -> ((Number) row.get("n")).longValue())
			.one()
			.block(Duration.ofMinutes(2));
		System.out.printf("usage_rollup:      %,d rows (quarter hour x workspace x agent x model)%n", rollupRows);
	}

}
