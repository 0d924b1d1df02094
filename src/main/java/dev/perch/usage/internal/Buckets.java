package dev.perch.usage.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The time buckets of a summary: calendar days, weeks or months in a time zone, computed here with
 * java.time (so every DST rule of the zone is honoured) and handed to SQL as instants. Bucket
 * {@code i} holds records with {@code starts[i] <= occurred_at < starts[i+1]} (the last ends at
 * {@code to}); the first and last may be partial periods.
 *
 * @param starts the instant each bucket starts; the first is {@code from}
 * @param periods the first day of the calendar period of each bucket, or {@code null} without an interval
 */
public record Buckets(Instant from, Instant to, ZoneId zone, @Nullable Interval interval, List<Instant> starts,
		List<@Nullable LocalDate> periods) {

	private static final DateTimeFormatter LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
		.withZone(ZoneOffset.UTC);

	/** Buckets covering {@code [from, to)}, or {@code null} when there would be more than {@code max}. */
	public static @Nullable Buckets of(Instant from, Instant to, ZoneId zone, @Nullable Interval interval, int max) {
		List<Instant> starts = new ArrayList<>();
		List<@Nullable LocalDate> periods = new ArrayList<>();
		starts.add(from);
		if (interval == null) {
			periods.add(null);
			return new Buckets(from, to, zone, null, starts, periods);
		}
		LocalDate period = interval.start(from.atZone(zone).toLocalDate());
		periods.add(period);
		while (true) {
			period = interval.next(period);
			Instant start = period.atStartOfDay(zone).toInstant();
			if (!start.isBefore(to)) {
				return new Buckets(from, to, zone, interval, starts, periods);
			}
			if (starts.size() == max) {
				return null;
			}
			starts.add(start);
			periods.add(period);
		}
	}

	public int size() {
		return starts.size();
	}

	public Instant end(int bucket) {
		return bucket + 1 < starts.size() ? starts.get(bucket + 1) : to;
	}

	/**
	 * A SQL expression giving the bucket index of {@code column}: nested CASEs that binary-search the
	 * bucket starts (log2(n) comparisons a row). Portable to H2 and PostgreSQL, and correct across DST,
	 * unlike an offset added to the timestamp. The starts are written as literals: they are instants
	 * computed here, never client text, and PostgreSQL plans the literal form several times faster
	 * than the same query with a bind parameter per start.
	 */
	public String indexExpression(String column) {
		return index(column, 0, starts.size() - 1);
	}

	/**
	 * The same for a column of quarter hours since the epoch ({@code usage_rollup.quarter}); needs
	 * {@link #onQuarterHours()}.
	 */
	public String quarterIndexExpression(String column) {
		return index(column, 0, starts.size() - 1,
				start -> Long.toString(start.getEpochSecond() / RollupChange.QUARTER_SECONDS));
	}

	/** Whether every bucket after the first starts on a UTC quarter hour (true for every zone since 1980 or so). */
	public boolean onQuarterHours() {
		for (int i = 1; i < starts.size(); i++) {
			Instant start = starts.get(i);
			if (start.getNano() != 0 || start.getEpochSecond() % RollupChange.QUARTER_SECONDS != 0) {
				return false;
			}
		}
		return true;
	}

	private String index(String column, int low, int high) {
		return index(column, low, high, Buckets::literal);
	}

	private String index(String column, int low, int high, Function<Instant, String> literal) {
		if (low == high) {
			return Integer.toString(low);
		}
		int middle = (low + high + 1) / 2;
		return "CASE WHEN " + column + " < " + literal.apply(starts.get(middle)) + " THEN "
				+ index(column, low, middle - 1, literal) + " ELSE " + index(column, middle, high, literal) + " END";
	}

	/** An instant as a SQL literal both databases read: {@code TIMESTAMP WITH TIME ZONE '2026-11-25 10:00:00.000000+00:00'}. */
	public static String literal(Instant instant) {
		return "TIMESTAMP WITH TIME ZONE '" + LITERAL.format(instant) + "'";
	}

}
