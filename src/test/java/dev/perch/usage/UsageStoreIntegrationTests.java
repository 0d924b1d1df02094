package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.Settings;
import dev.perch.shared.web.ApiException;
import dev.perch.support.TestDatabase;
import dev.perch.usage.internal.Buckets;
import dev.perch.usage.internal.Interval;
import dev.perch.usage.internal.RecordCursor;
import dev.perch.usage.internal.RecordFilter;
import dev.perch.usage.internal.RetentionJob;
import dev.perch.usage.internal.UsageRecord;
import dev.perch.usage.internal.UsageSettings;
import dev.perch.usage.internal.UsageSummary;
import dev.perch.usage.internal.UsageTotals;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static dev.perch.usage.UsageFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/** The record store, ingest, summaries and retention in SQL, on H2 and on PostgreSQL. */
class UsageStoreIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Instant DAY = Instant.parse("2026-11-20T10:00:00Z");

	private static final RecordFilter ALL = new RecordFilter(null, null, null, null, null, null);

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void recordsEachKeyOnceAndCountsRepeatsAsDuplicates(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> first = List.of(record("k1", DAY, "claude-sonnet-4-5", 10, 20),
				record("k2", DAY, "claude-sonnet-4-5", 10, 20), record("k2", DAY, "claude-sonnet-4-5", 99, 99));

		usage.service().record("test", first)
			.as(StepVerifier::create)
			.expectNext(new IngestResult(3, 2, 1))
			.expectComplete()
			.verify(WAIT);
		usage.service().record("test", List.of(record("k1", DAY, "claude-sonnet-4-5", 77, 77),
				record("k3", DAY, "claude-sonnet-4-5", 1, 1)))
			.as(StepVerifier::create)
			.expectNext(new IngestResult(2, 1, 1))
			.expectComplete()
			.verify(WAIT);

		assertThat(usage.count()).isEqualTo(3);
		assertThat(usage.store().stream(ALL).filter(r -> r.key().equals("k1")).map(r -> r.tokens().input()).blockFirst(WAIT))
			.as("a repeated key keeps the first record").isEqualTo(10);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void concurrentBatchesWithTheSameKeysStoreEachRecordOnce(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> batch = IntStream.range(0, 1500)
			.mapToObj(i -> record("same-" + i, DAY.plusSeconds(i), "gpt-5", 100, 10))
			.toList();

		List<IngestResult> results = Flux.range(0, 4)
			.flatMap(i -> usage.service().record("test", batch)
				.subscribeOn(Schedulers.parallel()), 4)
			.collectList()
			.block(WAIT);

		assertThat(usage.count()).isEqualTo(1500);
		assertThat(results).hasSize(4);
		assertThat(results.stream().mapToLong(IngestResult::recorded).sum()).isEqualTo(1500);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void rejectsABatchWithBadRecordsWholeNamingEachOne(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> batch = new ArrayList<>();
		for (int i = 0; i < 1200; i++) {
			batch.add(record("ok-" + i, DAY, "gpt-5", 1, 1));
		}
		batch.set(3, record("bad-3", DAY, "gpt-5", -1, 1));
		batch.set(1100, record("", DAY, "gpt-5", 1, 1));

		usage.service().record("test", batch)
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> {
				assertThat(error).isInstanceOf(ApiException.class);
				assertThat(((ApiException) error).getBody().getProperties().get("errors").toString())
					.contains("index=3, field=input, reason=negative")
					.contains("index=1100, field=key, reason=missing");
			})
			.verify(WAIT);

		assertThat(usage.count()).as("nothing half-written").isZero();
		assertThat(usage.meters().get("perch.usage.ingest.rejected").tag("reason", "negative").counter().count())
			.isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void pricesAtIngestKeepsReportedCostsAndLeavesUnknownModelsUnpriced(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		Tokens tokens = new Tokens(28, 618, 68900, 3200, 0, 0);
		usage.service().record("test", List.of(
				UsageFixtures.record("calc", DAY, "alpha", "claude", "claude-sonnet-4-5-20250929", tokens, null),
				UsageFixtures.record("rep", DAY, "alpha", "opencode", "claude-opus-5-5", tokens, new BigDecimal("0.5")),
				UsageFixtures.record("none", DAY, "alpha", "claude", "claude-opus-5-5", tokens, null)))
			.block(WAIT);

		List<UsageRecord> stored = usage.store().stream(ALL).collectList().block(WAIT);
		assertThat(stored).extracting(UsageRecord::key, UsageRecord::cost, UsageRecord::costSource)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("calc", new BigDecimal("0.042024"), "calculated"),
					org.assertj.core.groups.Tuple.tuple("rep", new BigDecimal("0.5"), "reported"),
					org.assertj.core.groups.Tuple.tuple("none", null, null));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void summarizesDaysWeeksAndMonthsInTheRequestedZoneAcrossADaylightSavingChange(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		// Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00 UTC)
		usage.service().record("test", List.of(
				record("a", Instant.parse("2026-10-24T21:30:00Z"), "gpt-5", 1, 0), // 23:30 CEST, Oct 24
				record("b", Instant.parse("2026-10-24T22:30:00Z"), "gpt-5", 10, 0), // 00:30 CEST, Oct 25
				record("c", Instant.parse("2026-10-25T22:30:00Z"), "gpt-5", 100, 0), // 23:30 CET, Oct 25
				record("d", Instant.parse("2026-10-25T23:30:00Z"), "gpt-5", 1000, 0), // 00:30 CET, Oct 26
				record("e", Instant.parse("2026-11-01T12:00:00Z"), "gpt-5", 10000, 0))) // Sunday Nov 1
			.block(WAIT);
		Instant from = LocalDate.parse("2026-10-01").atStartOfDay(berlin).toInstant();
		Instant to = LocalDate.parse("2026-11-30").atStartOfDay(berlin).toInstant();

		UsageSummary days = summarize(usage, Buckets.of(from, to, berlin, Interval.DAY, 1000), List.of());
		assertThat(days.rows()).extracting(row -> row.period().toString(), UsageTotals::input)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("2026-10-24", 1L),
					org.assertj.core.groups.Tuple.tuple("2026-10-25", 110L),
					org.assertj.core.groups.Tuple.tuple("2026-10-26", 1000L),
					org.assertj.core.groups.Tuple.tuple("2026-11-01", 10000L));
		assertThat(days.rows().get(1).start().toString()).isEqualTo("2026-10-25T00:00+02:00");
		assertThat(days.rows().get(1).end().toString()).isEqualTo("2026-10-26T00:00+01:00");

		UsageSummary weeks = summarize(usage, Buckets.of(from, to, berlin, Interval.WEEK, 1000), List.of("model"));
		assertThat(weeks.rows()).extracting(row -> row.period().toString(), UsageTotals::input)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("2026-10-19", 111L),
					org.assertj.core.groups.Tuple.tuple("2026-10-26", 11000L));

		UsageSummary months = summarize(usage, Buckets.of(from, to, berlin, Interval.MONTH, 1000), List.of());
		assertThat(months.rows()).extracting(row -> row.period().toString(), UsageTotals::input)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("2026-10-01", 1111L),
					org.assertj.core.groups.Tuple.tuple("2026-11-01", 10000L));
		assertThat(months.totals().requests()).isEqualTo(5);
		assertThat(months.totals().input()).isEqualTo(11111);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsUnpricedModelsInEverySummaryRowAndTotalThatIncludesThem(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		usage.service().record("test", List.of(
				UsageFixtures.record("p", DAY, "alpha", "claude", "claude-haiku-4-5-20251001",
						new Tokens(9, 377, 43000, 2100, 1000, 0), null),
				UsageFixtures.record("u1", DAY, "alpha", "claude", "claude-haiku-5-5", new Tokens(9, 88, 0, 600, 0, 0), null),
				UsageFixtures.record("u2", DAY, "beta", "claude", "claude-opus-5-5", new Tokens(22, 65, 0, 2200, 0, 0), null)))
			.block(WAIT);
		Instant from = Instant.parse("2026-11-20T00:00:00Z");

		UsageSummary summary = summarize(usage,
				Buckets.of(from, from.plus(Duration.ofDays(1)), ZoneId.of("UTC"), Interval.DAY, 10),
				List.of("workspace"));

		assertThat(summary.totals().cost()).isEqualByComparingTo("0.010819");
		assertThat(summary.totals().unpricedRequests()).isEqualTo(2);
		assertThat(summary.totals().unpricedModels()).containsExactly("claude-haiku-5-5", "claude-opus-5-5");
		assertThat(summary.rows()).extracting(UsageTotals::workspace, UsageTotals::unpricedModels, UsageTotals::cost)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", List.of("claude-haiku-5-5"), new BigDecimal("0.010819")),
					org.assertj.core.groups.Tuple.tuple("beta", List.of("claude-opus-5-5"), null));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void retentionDeletesOnlyRecordsBeforeTheCutoffInBatches(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> records = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			records.add(record("old-" + i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), "gpt-5", 1, 1));
		}
		for (int i = 0; i < 5; i++) {
			records.add(record("new-" + i, Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i), "gpt-5", 1, 1));
		}
		usage.service().record("test", records).block(WAIT);

		usage.store().deleteBefore(Instant.parse("2026-06-01T00:00:00Z"), 10)
			.as(StepVerifier::create)
			.expectNext(25L)
			.expectComplete()
			.verify(WAIT);

		assertThat(usage.count()).isEqualTo(5);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void retentionJobDeletesRecordsOlderThanTheRetentionSetting(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		usage.service().record("test", List.of(record("ancient", UsageFixtures.NOW.minus(Duration.ofDays(31)), "gpt-5", 1, 1),
				record("recent", UsageFixtures.NOW.minus(Duration.ofDays(29)), "gpt-5", 1, 1)))
			.block(WAIT);
		Settings thirtyDays = new Settings() {
			@Override
			@SuppressWarnings("unchecked")
			public <T> Mono<T> get(Setting<T> setting) {
				return Mono.just((T) (setting.key().equals("usage.retention") ? Duration.ofDays(30)
						: setting.defaultValue().get()));
			}
		};
		UsageProperties properties = UsageFixtures.properties();
		RetentionJob job = new RetentionJob(usage.store(), thirtyDays, new UsageSettings(properties), properties,
				Clock.fixed(UsageFixtures.NOW, ZoneOffset.UTC));

		job.purge().as(StepVerifier::create).expectNext(1L).expectComplete().verify(WAIT);

		assertThat(usage.store().stream(ALL).map(UsageRecord::key).collectList().block(WAIT)).containsExactly("recent");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void pagesRecordsNewestFirstWithACursor(TestDatabase database) {
		var usage = UsageFixtures.module(database);
		List<UsageRecordRequest> records = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			// two records share each second, so the id breaks ties
			records.add(record("r-" + i, DAY.plusSeconds(i / 2), "gpt-5", i, 1));
		}
		usage.service().record("test", records).block(WAIT);

		List<Long> seen = new ArrayList<>();
		RecordCursor cursor = null;
		for (int page = 0; page < 4; page++) {
			List<UsageRecord> items = usage.store().page(ALL, cursor, 3).collectList().block(WAIT);
			items.forEach(item -> seen.add(item.tokens().input()));
			if (items.size() < 3) {
				break;
			}
			UsageRecord last = items.get(items.size() - 1);
			cursor = new RecordCursor(last.occurredAt(), last.id());
		}

		assertThat(seen).containsExactly(6L, 5L, 4L, 3L, 2L, 1L, 0L);
	}

	private static UsageSummary summarize(UsageFixtures.Module usage, Buckets buckets, List<String> groupBy) {
		return usage.summaries()
			.summarize(buckets, groupBy, new RecordFilter(buckets.from(), buckets.to(), null, null, null, null))
			.block(WAIT);
	}

}
