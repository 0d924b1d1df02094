package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.perch.support.TestDatabase;
import dev.perch.usage.internal.Buckets;
import dev.perch.usage.internal.Interval;
import dev.perch.usage.internal.RecordFilter;
import dev.perch.usage.internal.UsageRecord;
import dev.perch.usage.internal.UsageSummary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code usage_rollup} table (V5) on H2 and PostgreSQL: it always equals the records summed per
 * quarter hour, workspace, agent and model (after batches, re-posts, concurrent batches, failed
 * batches, keep-larger replacements and retention), and summaries read from it equal summaries read
 * from the records, for random data and random queries.
 */
class UsageRollupIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final RecordFilter ALL = new RecordFilter(null, null, null, null, null, null);

	/** Around Berlin's change back from summer time (2026-10-25 01:00 UTC). */
	private static final Instant START = Instant.parse("2026-10-23T00:00:00Z");

	private static final long SPAN_SECONDS = Duration.ofDays(4).toSeconds();

	private static final String[] WORKSPACES = { "alpha", "beta", "gamma" };

	private static final String[] AGENTS = { "claude", "codex", "opencode" };

	/** claude-opus-5-5 has no price: its records are unpriced unless they report a cost. */
	private static final String[] MODELS = { "claude-sonnet-4-5-20250929", "gpt-5", "gpt-5-mini", "claude-opus-5-5" };

	private static final String[] ZONES = { "UTC", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe",
			"America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "America/Los_Angeles" };

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void rollupEqualsTheRecordsAfterRepostsConcurrentBatchesAndAFailedBatch(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> records = randomRecords(new SplittableRandom(1), "r", 1500);

		List<IngestResult> results = Flux.just(records.subList(0, 1000), records.subList(500, 1500), records)
			.flatMap(batch -> usage.service().record("test", batch).subscribeOn(Schedulers.parallel()), 3)
			.collectList()
			.block(WAIT);
		IngestResult again = usage.service().record("test", records).block(WAIT);
		List<UsageRecordRequest> bad = new ArrayList<>(randomRecords(new SplittableRandom(2), "bad", 50));
		bad.add(UsageFixtures.record("bad-negative", START, "gpt-5", -1, 0));
		assertThatThrownBy(() -> usage.service().record("test", bad).block(WAIT)).isInstanceOf(RuntimeException.class);

		assertThat(results.stream().mapToLong(IngestResult::recorded).sum()).isEqualTo(1500);
		assertThat(again.recorded()).isZero();
		assertThat(usage.count()).isEqualTo(1500);
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage)).hasSizeGreaterThan(100);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void summariesFromTheRollupEqualSummariesFromTheRecordsForRandomQueries(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		usage.service().record("test", randomRecords(new SplittableRandom(3), "s", 2000)).block(WAIT);
		SplittableRandom random = new SplittableRandom(4);

		for (int i = 0; i < 40; i++) {
			Query query = randomQuery(random);
			UsageSummary fromRollup = usage.summaries().summarize(query.buckets, query.groupBy, query.filter).block(WAIT);
			UsageSummary fromRecords = usage.summaries().summarizeRecords(query.buckets, query.groupBy, query.filter)
				.block(WAIT);
			assertThat(fromRollup).as(query.toString()).isEqualTo(fromRecords);
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void summaryReadsWholeQuarterHoursFromTheRollupAndPartialOnesFromTheRecords(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		usage.service().record("test", List.of(
				UsageFixtures.record("a", Instant.parse("2026-10-24T10:00:00Z"), "gpt-5", 1, 0),
				UsageFixtures.record("b", Instant.parse("2026-10-24T10:14:59.999Z"), "gpt-5", 10, 0),
				UsageFixtures.record("c", Instant.parse("2026-10-24T10:20:00Z"), "gpt-5", 100, 0))).block(WAIT);
		// the rollup says something the records do not: only a summary that reads it can see it
		DatabaseClient.create(usage.database().connectionFactory())
			.sql("UPDATE usage_rollup SET input_tokens = input_tokens + 1000000")
			.then()
			.block(WAIT);
		ZoneId utc = ZoneId.of("UTC");

		long wholeDay = input(usage, Buckets.of(Instant.parse("2026-10-24T00:00:00Z"),
				Instant.parse("2026-10-25T00:00:00Z"), utc, Interval.DAY, 10));
		long edges = input(usage, Buckets.of(Instant.parse("2026-10-24T10:00:00.5Z"),
				Instant.parse("2026-10-24T10:20:00.5Z"), utc, null, 10));

		assertThat(wholeDay).as("two rollup rows, each 1,000,000 more").isEqualTo(2_000_111);
		assertThat(edges).as("10:00:00.5-10:15 and 10:15-10:20:00.5 are partial: read from the records")
			.isEqualTo(110);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void retentionTakesDeletedRecordsOutOfTheRollupAndDropsEmptyRows(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		usage.service().record("test", randomRecords(new SplittableRandom(5), "old", 800)).block(WAIT);
		Instant cutoff = START.plus(Duration.ofDays(2)).plusSeconds(437);

		long deleted = usage.store().deleteBefore(cutoff, 70).block(WAIT);

		assertThat(deleted).isPositive();
		assertThat(usage.count()).isEqualTo(800 - deleted);
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage));
		assertThat(rollup(usage).keySet()).as("no row left for a quarter hour before the cutoff's")
			.allSatisfy(key -> assertThat(Integer.parseInt(key.substring(0, key.indexOf('|'))))
				.isGreaterThanOrEqualTo((int) Math.floorDiv(cutoff.getEpochSecond(), 900)));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void keepLargerReplacesAStoredRecordOnlyWhenTheNewTotalIsLarger(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		Instant at = Instant.parse("2026-10-24T10:00:00Z");
		String sonnet = "claude-sonnet-4-5-20250929";
		usage.service().record("test", List.of(
				UsageFixtures.record("grows", at, "alpha", "claude", sonnet, new Tokens(10, 20, 300, 0, 0, 0), null),
				UsageFixtures.record("same", at, "alpha", "claude", sonnet, new Tokens(10, 20, 0, 0, 0, 0), null),
				UsageFixtures.record("shrinks", at, "alpha", "claude", sonnet, new Tokens(10, 20, 0, 0, 0, 0), null),
				UsageFixtures.record("unpriced", at, "alpha", "claude", "claude-opus-5-5", new Tokens(1, 1, 0, 0, 0, 0),
						null)))
			.block(WAIT);

		IngestResult result = usage.service().record("collector", List.of(
				UsageFixtures.record("grows", at, "alpha", "claude", sonnet, new Tokens(10, 900, 300, 0, 0, 0), null),
				UsageFixtures.record("same", at, "alpha", "claude", sonnet, new Tokens(20, 10, 0, 0, 0, 0), null),
				UsageFixtures.record("shrinks", at, "alpha", "claude", sonnet, new Tokens(10, 19, 0, 0, 0, 0), null),
				UsageFixtures.record("unpriced", at, "alpha", "claude", "claude-opus-5-5", new Tokens(1, 5, 0, 0, 0, 0),
						null),
				UsageFixtures.record("new", at, "alpha", "claude", sonnet, new Tokens(1, 2, 0, 0, 0, 0), null),
				UsageFixtures.record("new", at, "alpha", "claude", sonnet, new Tokens(1, 7, 0, 0, 0, 0), null),
				UsageFixtures.record("new", at, "alpha", "claude", sonnet, new Tokens(1, 3, 0, 0, 0, 0), null)),
				OnDuplicate.KEEP_LARGER)
			.block(WAIT);

		assertThat(result).isEqualTo(new IngestResult(7, 1, 4, 2));
		Map<String, UsageRecord> stored = stored(usage);
		assertThat(stored.get("grows").tokens()).isEqualTo(new Tokens(10, 900, 300, 0, 0, 0));
		// 10 x $3 + 900 x $15 + 300 x $0.30 per million tokens
		assertThat(stored.get("grows").cost()).isEqualByComparingTo("0.01362");
		assertThat(stored.get("grows").costSource()).isEqualTo(UsageService.COST_CALCULATED);
		assertThat(stored.get("same").tokens()).as("equal totals keep the stored record")
			.isEqualTo(new Tokens(10, 20, 0, 0, 0, 0));
		assertThat(stored.get("shrinks").tokens()).isEqualTo(new Tokens(10, 20, 0, 0, 0, 0));
		assertThat(stored.get("unpriced").tokens().output()).isEqualTo(5);
		assertThat(stored.get("unpriced").cost()).isNull();
		assertThat(stored.get("new").tokens().output()).as("within a batch the larger wins too").isEqualTo(7);
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage));
		assertThat(usage.meters().get("perch.usage.tokens").tag("kind", "output").tag("model", sonnet).counter().count())
			.as("counters grow by what grew").isEqualTo(20 + 20 + 20 + 880 + 7);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void keepLargerTakesAReportedCostAsReportedAndKeepFirstNeverReplaces(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		Instant at = Instant.parse("2026-10-24T10:00:00Z");
		usage.service().record("test", List.of(UsageFixtures.record("k", at, "alpha", "opencode", "gpt-5",
				new Tokens(1, 1, 0, 0, 0, 0), new BigDecimal("0.5")))).block(WAIT);

		IngestResult first = usage.service().record("test", List.of(UsageFixtures.record("k", at, "alpha", "opencode",
				"gpt-5", new Tokens(1, 100, 0, 0, 0, 0), new BigDecimal("0.75"))), OnDuplicate.KEEP_FIRST).block(WAIT);
		assertThat(first).isEqualTo(new IngestResult(1, 0, 1, 0));
		assertThat(stored(usage).get("k").cost()).isEqualByComparingTo("0.5");

		IngestResult larger = usage.service().record("test", List.of(UsageFixtures.record("k", at, "alpha", "opencode",
				"gpt-5", new Tokens(1, 100, 0, 0, 0, 0), new BigDecimal("0.75"))), OnDuplicate.KEEP_LARGER).block(WAIT);
		assertThat(larger).isEqualTo(new IngestResult(1, 0, 0, 1));
		assertThat(stored(usage).get("k").cost()).isEqualByComparingTo("0.75");
		assertThat(stored(usage).get("k").costSource()).isEqualTo(UsageService.COST_REPORTED);
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void concurrentKeepLargerBatchesKeepTheLargestAndTheRollupExact(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<List<UsageRecordRequest>> versions = new ArrayList<>();
		for (int version = 0; version < 4; version++) {
			List<UsageRecordRequest> batch = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				// version 0..3 of each key; which one is largest differs per key
				long output = ((i + version * 7) % 4) * 100 + 1;
				batch.add(UsageFixtures.record("key-" + i, START.plusSeconds(i * 97L), "alpha", "claude", MODELS[i % 4],
						new Tokens(5, output, 0, 0, 0, 0), null));
			}
			versions.add(batch);
		}

		Flux.fromIterable(versions)
			.flatMap(batch -> usage.service().record("collector", batch, OnDuplicate.KEEP_LARGER)
				.subscribeOn(Schedulers.parallel()), 4)
			.then()
			.block(WAIT);

		assertThat(usage.count()).isEqualTo(300);
		assertThat(stored(usage).values()).allSatisfy(record -> assertThat(record.tokens().output()).isEqualTo(301));
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void migrationBackFillsTheRollupFromStoredRecords(TestDatabase database) {
		TestDatabase.Migrated before = database.migratedTo("4");
		DatabaseClient db = DatabaseClient.create(before.connectionFactory());
		List<UsageRecordRequest> records = randomRecords(new SplittableRandom(6), "m", 300);
		Flux.range(0, records.size())
			.concatMap(i -> insertAsVersion4Did(db, records.get(i), i % 3 == 0 ? null : new BigDecimal("0.0000000" + i)))
			.then()
			.as(TransactionalOperator.create(new R2dbcTransactionManager(before.connectionFactory()))::transactional)
			.block(WAIT);

		before.migrate();

		var usage = UsageFixtures.module(before);
		assertThat(rollup(usage)).isEqualTo(expectedRollup(usage)).hasSizeGreaterThan(50);
	}

	private static Mono<Void> insertAsVersion4Did(DatabaseClient db, UsageRecordRequest record, BigDecimal cost) {
		return db.sql("INSERT INTO usage_record (dedupe_key, occurred_at, workspace, agent, model, input_tokens,"
				+ " output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens,"
				+ " cost, source, recorded_at) VALUES (:key, :at, :workspace, :agent, :model, :input, :output, 0, 0,"
				+ " :cw, 0, :cost, 'old', :at)")
			.bind("key", record.key())
			.bind("at", record.occurredAt().atOffset(ZoneOffset.UTC))
			.bind("workspace", record.workspace())
			.bind("agent", record.agent())
			.bind("model", record.model())
			.bind("input", record.tokens().input())
			.bind("output", record.tokens().output())
			.bind("cw", record.tokens().cacheWrite1h())
			.bind("cost", cost == null ? Parameter.empty(BigDecimal.class) : Parameter.from(cost))
			.then();
	}

	// --- random data and queries

	private static List<UsageRecordRequest> randomRecords(SplittableRandom random, String prefix, int count) {
		List<UsageRecordRequest> records = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Instant at = START.plusSeconds(random.nextLong(SPAN_SECONDS)).plusNanos(random.nextInt(1000) * 1000L);
			if (random.nextInt(10) == 0) {
				at = Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 900) * 900); // on a quarter hour
			}
			Tokens tokens = new Tokens(random.nextLong(0, 5000), random.nextLong(0, 2000), random.nextLong(0, 50_000),
					random.nextLong(0, 3000), random.nextInt(5) == 0 ? random.nextLong(0, 1000) : 0,
					random.nextLong(0, 300));
			BigDecimal cost = random.nextInt(8) == 0 ? BigDecimal.valueOf(random.nextLong(0, 100_000), 6) : null;
			records.add(new UsageRecordRequest(prefix + "-" + i, at, WORKSPACES[random.nextInt(WORKSPACES.length)],
					AGENTS[random.nextInt(AGENTS.length)], MODELS[random.nextInt(MODELS.length)], null,
					"session-" + random.nextInt(5), tokens, cost, null, null));
		}
		return records;
	}

	private record Query(Buckets buckets, List<String> groupBy, RecordFilter filter) {
	}

	private static Query randomQuery(SplittableRandom random) {
		ZoneId zone = ZoneId.of(ZONES[random.nextInt(ZONES.length)]);
		Instant from;
		Instant to;
		if (random.nextBoolean()) { // whole days in the zone, as GET /usage/summary?from=2026-10-23&to=...
			LocalDate first = LocalDate.parse("2026-10-22").plusDays(random.nextInt(4));
			from = first.atStartOfDay(zone).toInstant();
			to = first.plusDays(1 + random.nextInt(4)).atStartOfDay(zone).toInstant();
		}
		else { // any instants, some of them on quarter hours
			from = START.minusSeconds(3600).plusSeconds(random.nextLong(SPAN_SECONDS / 2));
			to = from.plusSeconds(random.nextLong(1, SPAN_SECONDS));
			from = random.nextBoolean() ? from.plusNanos(random.nextInt(1_000_000_000))
					: Instant.ofEpochSecond(from.getEpochSecond() / 900 * 900);
			to = random.nextBoolean() ? to.plusNanos(random.nextInt(1_000_000_000))
					: Instant.ofEpochSecond(to.getEpochSecond() / 900 * 900);
		}
		Interval[] intervals = { null, Interval.DAY, Interval.WEEK, Interval.MONTH };
		Buckets buckets = Buckets.of(from, to, zone, intervals[random.nextInt(intervals.length)], 1000);
		List<String> groupBy = new ArrayList<>();
		for (String group : List.of("workspace", "agent", "model")) {
			if (random.nextBoolean()) {
				groupBy.add(group);
			}
		}
		RecordFilter filter = new RecordFilter(from, to,
				random.nextInt(4) == 0 ? WORKSPACES[random.nextInt(WORKSPACES.length)] : null,
				random.nextInt(4) == 0 ? AGENTS[random.nextInt(AGENTS.length)] : null,
				random.nextInt(4) == 0 ? MODELS[random.nextInt(MODELS.length)] : null,
				random.nextInt(10) == 0 ? "session-1" : null);
		return new Query(buckets, groupBy, filter);
	}

	private static long input(UsageFixtures.Module usage, Buckets buckets) {
		return usage.summaries().summarize(buckets, List.of(), ALL).block(WAIT).totals().input();
	}

	// --- the rollup as stored, and as it should be (summed here from the records, not in SQL)

	private static Map<String, UsageRecord> stored(UsageFixtures.Module usage) {
		Map<String, UsageRecord> stored = new TreeMap<>();
		usage.store().stream(ALL).toIterable().forEach(record -> stored.put(record.key(), record));
		return stored;
	}

	private static Map<String, String> rollup(UsageFixtures.Module usage) {
		Map<String, String> rows = new TreeMap<>();
		DatabaseClient.create(usage.database().connectionFactory())
			.sql("SELECT * FROM usage_rollup")
			.map(row -> Map.entry(
					row.get("quarter", Integer.class) + "|" + row.get("workspace", String.class) + "|"
							+ row.get("agent", String.class) + "|" + row.get("model", String.class),
					List.of(row.get("requests", Long.class), row.get("input_tokens", Long.class),
							row.get("output_tokens", Long.class), row.get("cache_read_tokens", Long.class),
							row.get("cache_write_5m_tokens", Long.class), row.get("cache_write_1h_tokens", Long.class),
							row.get("reasoning_tokens", Long.class), row.get("unpriced", Long.class))
						+ " " + row.get("cost", BigDecimal.class).stripTrailingZeros().toPlainString()))
			.all()
			.toIterable()
			.forEach(entry -> rows.put(entry.getKey(), entry.getValue()));
		return rows;
	}

	private static Map<String, String> expectedRollup(UsageFixtures.Module usage) {
		Map<String, long[]> sums = new TreeMap<>();
		Map<String, BigDecimal> costs = new TreeMap<>();
		for (UsageRecord record : usage.store().stream(ALL).toIterable()) {
			String key = Math.floorDiv(record.occurredAt().getEpochSecond(), 900) + "|" + record.workspace() + "|"
					+ record.agent() + "|" + record.model();
			long[] sum = sums.computeIfAbsent(key, k -> new long[8]);
			Tokens tokens = record.tokens();
			long[] add = { 1, tokens.input(), tokens.output(), tokens.cacheRead(), tokens.cacheWrite5m(),
					tokens.cacheWrite1h(), tokens.reasoning(), record.cost() == null ? 1 : 0 };
			for (int i = 0; i < add.length; i++) {
				sum[i] += add[i];
			}
			costs.merge(key, record.cost() == null ? BigDecimal.ZERO : record.cost(), BigDecimal::add);
		}
		Map<String, String> rows = new TreeMap<>();
		sums.forEach((key, sum) -> rows.put(key, java.util.Arrays.toString(sum) + " "
				+ costs.get(key).stripTrailingZeros().toPlainString()));
		return rows;
	}

}
