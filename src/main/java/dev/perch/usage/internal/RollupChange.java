package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.perch.usage.Tokens;

/**
 * What one transaction changes in {@code usage_rollup}: the sums to add (or, negative, to take away)
 * per UTC quarter hour, workspace, agent and model. Gathered from the records a transaction really
 * inserted, replaced or deleted, and written once, in {@link #entries() key order}, so two transactions
 * always lock rollup rows in the same order and never deadlock on them.
 */
public final class RollupChange {

	/** Seconds in a rollup bucket: every real time zone's offset is a multiple of 15 minutes. */
	public static final int QUARTER_SECONDS = 900;

	static final Comparator<Key> ORDER = Comparator.comparingInt(Key::quarter)
		.thenComparing(Key::workspace)
		.thenComparing(Key::agent)
		.thenComparing(Key::model);

	private final Map<Key, Sums> sums = new HashMap<>();

	/** The quarter hour (since 1970-01-01T00:00Z) an instant falls in. */
	public static int quarter(Instant instant) {
		return Math.toIntExact(Math.floorDiv(instant.getEpochSecond(), QUARTER_SECONDS));
	}

	/** Counts a record that was inserted. */
	public void add(UsageRecord record) {
		change(record, 1);
	}

	/** Takes away a record that was deleted. */
	public void subtract(UsageRecord record) {
		change(record, -1);
	}

	/** Replaces a stored record by another version of it. */
	public void replace(UsageRecord stored, UsageRecord replacement) {
		change(stored, -1);
		change(replacement, 1);
	}

	public boolean isEmpty() {
		return entries().isEmpty();
	}

	/** The changes, without those that cancelled out, ordered by quarter, workspace, agent and model. */
	public List<Entry> entries() {
		List<Entry> entries = new ArrayList<>();
		sums.forEach((key, sum) -> {
			if (!sum.isZero()) {
				entries.add(new Entry(key, sum.requests, sum.tokens.clone(), sum.cost, sum.unpriced));
			}
		});
		entries.sort(Comparator.comparing(Entry::key, ORDER));
		return entries;
	}

	private void change(UsageRecord record, int sign) {
		Key key = new Key(quarter(record.occurredAt()), record.workspace(), record.agent(), record.model());
		Sums sum = sums.computeIfAbsent(key, k -> new Sums());
		Tokens tokens = record.tokens();
		sum.requests += sign;
		sum.tokens[0] += sign * tokens.input();
		sum.tokens[1] += sign * tokens.output();
		sum.tokens[2] += sign * tokens.cacheRead();
		sum.tokens[3] += sign * tokens.cacheWrite5m();
		sum.tokens[4] += sign * tokens.cacheWrite1h();
		sum.tokens[5] += sign * tokens.reasoning();
		if (record.cost() == null) {
			sum.unpriced += sign;
		}
		else {
			sum.cost = sign > 0 ? sum.cost.add(record.cost()) : sum.cost.subtract(record.cost());
		}
	}

	/** The rollup row a change applies to. */
	public record Key(int quarter, String workspace, String agent, String model) {
	}

	/**
	 * A change to one rollup row.
	 *
	 * @param tokens input, output, cache read, cache write 5m, cache write 1h, reasoning
	 * @param cost the change of the priced records' cost
	 * @param unpriced the change of the number of records without a cost
	 */
	public record Entry(Key key, long requests, long[] tokens, BigDecimal cost, long unpriced) {
	}

	private static final class Sums {

		long requests;

		final long[] tokens = new long[6];

		BigDecimal cost = BigDecimal.ZERO;

		long unpriced;

		boolean isZero() {
			if (requests != 0 || unpriced != 0 || cost.signum() != 0) {
				return false;
			}
			for (long token : tokens) {
				if (token != 0) {
					return false;
				}
			}
			return true;
		}

	}

}
