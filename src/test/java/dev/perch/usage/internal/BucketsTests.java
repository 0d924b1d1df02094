package dev.perch.usage.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BucketsTests {

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	@Test
	void daysFollowTheZoneIncludingAShortDaylightSavingDay() {
		Instant from = LocalDate.parse("2026-03-07").atStartOfDay(NEW_YORK).toInstant();
		Instant to = LocalDate.parse("2026-03-10").atStartOfDay(NEW_YORK).toInstant();

		Buckets days = Buckets.of(from, to, NEW_YORK, Interval.DAY, 100);

		assertThat(days.periods()).extracting(LocalDate::toString).containsExactly("2026-03-07", "2026-03-08", "2026-03-09");
		assertThat(days.starts()).extracting(Instant::toString)
			.containsExactly("2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z");
		assertThat(Duration.between(days.starts().get(1), days.end(1))).isEqualTo(Duration.ofHours(23));
	}

	@Test
	void daysInAZoneWithAHalfHourOffsetStartAtItsMidnight() {
		ZoneId kolkata = ZoneId.of("Asia/Kolkata");
		Buckets days = Buckets.of(Instant.parse("2026-11-24T18:30:00Z"), Instant.parse("2026-11-26T18:30:00Z"), kolkata,
				Interval.DAY, 10);

		assertThat(days.starts()).extracting(Instant::toString)
			.containsExactly("2026-11-24T18:30:00Z", "2026-11-25T18:30:00Z");
		assertThat(days.periods()).extracting(LocalDate::toString).containsExactly("2026-11-25", "2026-11-26");
	}

	@Test
	void weeksStartOnMondayAndAPartialFirstPeriodStartsAtFrom() {
		ZoneId utc = ZoneId.of("UTC");
		Instant from = Instant.parse("2026-11-05T12:00:00Z"); // a Thursday

		Buckets weeks = Buckets.of(from, Instant.parse("2026-11-20T00:00:00Z"), utc, Interval.WEEK, 10);

		assertThat(weeks.periods()).extracting(LocalDate::toString).containsExactly("2026-11-02", "2026-11-09", "2026-11-16");
		assertThat(weeks.starts().get(0)).isEqualTo(from);
		assertThat(weeks.end(2)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
	}

	@Test
	void monthsHaveTheirCalendarLength() {
		Buckets months = Buckets.of(Instant.parse("2026-01-15T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"),
				ZoneId.of("UTC"), Interval.MONTH, 10);

		assertThat(months.starts()).extracting(Instant::toString)
			.containsExactly("2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
	}

	@Test
	void refusesMoreBucketsThanTheLimit() {
		assertThat(Buckets.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-11T00:00:00Z"),
				ZoneId.of("UTC"), Interval.DAY, 9)).isNull();
		assertThat(Buckets.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-11T00:00:00Z"),
				ZoneId.of("UTC"), Interval.DAY, 10)).isNotNull();
	}

	@Test
	void binarySearchesTheBucketStartsInSql() {
		Buckets four = Buckets.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-05T00:00:00Z"),
				ZoneId.of("UTC"), Interval.DAY, 10);

		String b1 = "TIMESTAMP WITH TIME ZONE '2026-01-02 00:00:00.000000+00:00'";
		String b2 = "TIMESTAMP WITH TIME ZONE '2026-01-03 00:00:00.000000+00:00'";
		String b3 = "TIMESTAMP WITH TIME ZONE '2026-01-04 00:00:00.000000+00:00'";
		assertThat(four.indexExpression("t")).isEqualTo("CASE WHEN t < " + b2 + " THEN CASE WHEN t < " + b1
				+ " THEN 0 ELSE 1 END ELSE CASE WHEN t < " + b3 + " THEN 2 ELSE 3 END END");
		assertThat(Buckets.of(Instant.EPOCH, Instant.EPOCH.plusSeconds(1), ZoneId.of("UTC"), null, 10)
			.indexExpression("t")).isEqualTo("0");
	}

	@Test
	void bucketsStartOnQuarterHoursInEveryZoneTodayButNotInAZoneWithAHistoricalOffset() {
		ZoneId chatham = ZoneId.of("Pacific/Chatham"); // +12:45 / +13:45
		Buckets today = Buckets.of(LocalDate.parse("2026-03-30").atStartOfDay(chatham).toInstant().plusSeconds(7),
				LocalDate.parse("2026-04-10").atStartOfDay(chatham).toInstant(), chatham, Interval.DAY, 100);
		ZoneId monrovia = ZoneId.of("Africa/Monrovia"); // -0:44:30 until 1972
		Buckets history = Buckets.of(Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1970-01-05T00:00:00Z"),
				monrovia, Interval.DAY, 100);

		assertThat(today.onQuarterHours()).as("the first bucket may start anywhere").isTrue();
		assertThat(today.quarterIndexExpression("quarter")).contains("quarter < " + (today.starts().get(1).getEpochSecond() / 900));
		assertThat(history.onQuarterHours()).isFalse();
	}

}
