package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Usage totals per time bucket and group, aggregated by the database (GROUP BY over the bucket index
 * that {@link Buckets#indexExpression} computes), on H2 and PostgreSQL alike. The quarter hours that
 * lie whole inside the range are read from {@code usage_rollup}; records are read only for the partial
 * quarter hours at the edges of a range that does not start or end on a quarter hour, or for the whole
 * range when a bucket boundary inside it is not on a quarter hour (historical zone offsets) or a
 * session is asked for (the rollup has no sessions). Both give the same totals.
 */
@Repository
public class SummaryQuery {

	/** The columns a summary may group by, as the API names them. */
	public static final List<String> GROUPS = List.of("workspace", "agent", "model");

	private static final String SUMS = "COUNT(*) AS requests, CAST(SUM(input_tokens) AS BIGINT) AS input_tokens,"
			+ " CAST(SUM(output_tokens) AS BIGINT) AS output_tokens,"
			+ " CAST(SUM(cache_read_tokens) AS BIGINT) AS cache_read_tokens,"
			+ " CAST(SUM(cache_write_5m_tokens) AS BIGINT) AS cache_write_5m_tokens,"
			+ " CAST(SUM(cache_write_1h_tokens) AS BIGINT) AS cache_write_1h_tokens,"
			+ " CAST(SUM(reasoning_tokens) AS BIGINT) AS reasoning_tokens, SUM(cost) AS cost,"
			+ " CAST(SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unpriced";

	private static final String ROLLUP_SUMS = "CAST(SUM(requests) AS BIGINT) AS requests,"
			+ " CAST(SUM(input_tokens) AS BIGINT) AS input_tokens, CAST(SUM(output_tokens) AS BIGINT) AS output_tokens,"
			+ " CAST(SUM(cache_read_tokens) AS BIGINT) AS cache_read_tokens,"
			+ " CAST(SUM(cache_write_5m_tokens) AS BIGINT) AS cache_write_5m_tokens,"
			+ " CAST(SUM(cache_write_1h_tokens) AS BIGINT) AS cache_write_1h_tokens,"
			+ " CAST(SUM(reasoning_tokens) AS BIGINT) AS reasoning_tokens, SUM(cost) AS cost,"
			+ " CAST(SUM(unpriced) AS BIGINT) AS unpriced";

	private static final long QUARTER = RollupChange.QUARTER_SECONDS;

	private final DatabaseClient db;

	public SummaryQuery(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * One query groups by bucket, the requested groups and always model, so the models without a
	 * price are known without a second scan; rows of different models are then merged here when
	 * model is not a requested group (a few hundred aggregated rows, not records).
	 */
	public Mono<UsageSummary> summarize(Buckets buckets, List<String> groupBy, RecordFilter filter) {
		List<String> columns = columns(groupBy);
		long first = ceilQuarter(buckets.from());
		long last = Math.floorDiv(buckets.to().getEpochSecond(), QUARTER);
		if (filter.sessionId() != null || first >= last || !buckets.onQuarterHours()) {
			return summarizeRecords(buckets, groupBy, filter);
		}
		Instant middleFrom = Instant.ofEpochSecond(first * QUARTER);
		Instant middleTo = Instant.ofEpochSecond(last * QUARTER);
		Flux<Row> rows = rollupRows(buckets, columns, filter, Math.toIntExact(first), Math.toIntExact(last));
		if (buckets.from().isBefore(middleFrom)) {
			rows = rows.concatWith(recordRows(buckets, columns, filter, buckets.from(), middleFrom));
		}
		if (middleTo.isBefore(buckets.to())) {
			rows = rows.concatWith(recordRows(buckets, columns, filter, middleTo, buckets.to()));
		}
		return rows.collectList().map(all -> summary(buckets, groupBy, all));
	}

	/** The same summary read from the records alone (the reference the rollup is checked against). */
	public Mono<UsageSummary> summarizeRecords(Buckets buckets, List<String> groupBy, RecordFilter filter) {
		return recordRows(buckets, columns(groupBy), filter, buckets.from(), buckets.to()).collectList()
			.map(rows -> summary(buckets, groupBy, rows));
	}

	private static List<String> columns(List<String> groupBy) {
		Set<String> columns = new LinkedHashSet<>(groupBy);
		columns.add("model");
		return List.copyOf(columns);
	}

	private static long ceilQuarter(Instant instant) {
		return Math.floorDiv(instant.getEpochSecond() + QUARTER - 1 + (instant.getNano() > 0 ? 1 : 0), QUARTER);
	}

	private Flux<Row> recordRows(Buckets buckets, List<String> columns, RecordFilter filter, Instant from,
			Instant to) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		String groups = ", " + String.join(", ", columns);
		String sql = "SELECT bucket" + groups + ", " + SUMS + " FROM ("
				+ bucketed(buckets, from, to, filter, parameters) + ") u GROUP BY bucket" + groups;
		return UsageRecordStore.bindAll(db.sql(sql), parameters).map(row -> row(row, columns)).all();
	}

	private Flux<Row> rollupRows(Buckets buckets, List<String> columns, RecordFilter filter, int firstQuarter,
			int lastQuarter) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		String groups = ", " + String.join(", ", columns);
		StringBuilder inner = new StringBuilder("SELECT ").append(buckets.quarterIndexExpression("quarter"))
			.append(" AS bucket, workspace, agent, model, requests, input_tokens, output_tokens, cache_read_tokens,"
					+ " cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost, unpriced FROM usage_rollup"
					+ " WHERE quarter >= ")
			.append(firstQuarter)
			.append(" AND quarter < ")
			.append(lastQuarter);
		equal(inner, parameters, "workspace", filter.workspace());
		equal(inner, parameters, "agent", filter.agent());
		equal(inner, parameters, "model", filter.model());
		inner.append(" OFFSET 0");
		String sql = "SELECT bucket" + groups + ", " + ROLLUP_SUMS + " FROM (" + inner + ") u GROUP BY bucket" + groups;
		return UsageRecordStore.bindAll(db.sql(sql), parameters).map(row -> rollupRow(row, columns)).all();
	}

	private static String bucketed(Buckets buckets, Instant from, Instant to, RecordFilter filter,
			Map<String, Object> parameters) {
		StringBuilder sql = new StringBuilder("SELECT ").append(buckets.indexExpression("occurred_at"))
			.append(" AS bucket, workspace, agent, model, input_tokens, output_tokens, cache_read_tokens,"
					+ " cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost FROM usage_record WHERE"
					+ " occurred_at >= ")
			.append(Buckets.literal(from))
			.append(" AND occurred_at < ")
			.append(Buckets.literal(to));
		equal(sql, parameters, "workspace", filter.workspace());
		equal(sql, parameters, "agent", filter.agent());
		equal(sql, parameters, "model", filter.model());
		equal(sql, parameters, "session_id", filter.sessionId());
		// OFFSET 0 keeps PostgreSQL from flattening the subquery: it then estimates a few hundred groups
		// for (bucket, model) instead of one per timestamp, and hashes instead of sorting every row
		return sql.append(" OFFSET 0").toString();
	}

	private static void equal(StringBuilder sql, Map<String, Object> parameters, String column,
			@Nullable String value) {
		if (value != null) {
			sql.append(" AND ").append(column).append(" = :").append(column);
			parameters.put(column, value);
		}
	}

	private static Row row(Readable row, List<String> groupBy) {
		return new Row(integer(row, "bucket"), groupValues(row, groupBy), number(row, "requests"),
				number(row, "input_tokens"), number(row, "output_tokens"), number(row, "cache_read_tokens"),
				number(row, "cache_write_5m_tokens"), number(row, "cache_write_1h_tokens"),
				number(row, "reasoning_tokens"), row.get("cost", BigDecimal.class), number(row, "unpriced"));
	}

	/** A rollup row's cost is the sum over its priced records: none priced means no cost, as in SQL's SUM. */
	private static Row rollupRow(Readable readable, List<String> groupBy) {
		Row row = row(readable, groupBy);
		return row.requests() > row.unpriced() ? row : row.withoutCost();
	}

	private static Map<String, String> groupValues(Readable row, List<String> groupBy) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String column : groupBy) {
			values.put(column, row.get(column, String.class));
		}
		return values;
	}

	private static int integer(Readable row, String column) {
		return ((Number) row.get(column)).intValue();
	}

	private static long number(Readable row, String column) {
		Object value = row.get(column);
		return value == null ? 0 : ((Number) value).longValue();
	}

	/** Sorts by bucket, then by group values. */
	private static String key(int bucket, Map<String, String> groups) {
		return String.format("%06d", bucket) + "\u0000" + String.join("\u0000", groups.values());
	}

	private static UsageSummary summary(Buckets buckets, List<String> groupBy, List<Row> rows) {
		Map<String, Row> merged = new TreeMap<>();
		Map<String, Set<String>> unpriced = new HashMap<>();
		Set<String> allUnpriced = new TreeSet<>();
		Row sum = Row.EMPTY;
		for (Row row : rows) {
			Map<String, String> groups = new LinkedHashMap<>();
			groupBy.forEach(group -> groups.put(group, row.groups().get(group)));
			String key = key(row.bucket(), groups);
			merged.merge(key, row.regrouped(groups), Row::plus);
			if (row.unpriced() > 0) {
				unpriced.computeIfAbsent(key, k -> new TreeSet<>()).add(row.groups().get("model"));
				allUnpriced.add(row.groups().get("model"));
			}
			sum = sum.plus(row);
		}
		List<UsageTotals> totals = new ArrayList<>();
		merged.forEach((key, row) -> totals.add(row.totals(buckets, List.copyOf(unpriced.getOrDefault(key, Set.of())))));
		UsageTotals grand = new UsageTotals(null, buckets.from().atZone(buckets.zone()).toOffsetDateTime(),
				buckets.to().atZone(buckets.zone()).toOffsetDateTime(), null, null, null, sum.requests(), sum.input(),
				sum.output(), sum.cacheRead(), sum.cacheWrite5m(), sum.cacheWrite1h(),
				sum.cacheWrite5m() + sum.cacheWrite1h(), sum.reasoning(),
				sum.cost() == null ? null : sum.cost().stripTrailingZeros(), sum.unpriced(), List.copyOf(allUnpriced));
		return new UsageSummary(grand.start(), grand.end(), buckets.zone().getId(),
				buckets.interval() == null ? null : buckets.interval().json(), groupBy, grand, totals);
	}

	private record Row(int bucket, Map<String, String> groups, long requests, long input, long output,
			long cacheRead, long cacheWrite5m, long cacheWrite1h, long reasoning, @Nullable BigDecimal cost,
			long unpriced) {

		static final Row EMPTY = new Row(0, Map.of(), 0, 0, 0, 0, 0, 0, 0, null, 0);

		Row regrouped(Map<String, String> newGroups) {
			return new Row(bucket, newGroups, requests, input, output, cacheRead, cacheWrite5m, cacheWrite1h, reasoning,
					cost, unpriced);
		}

		Row withoutCost() {
			return new Row(bucket, groups, requests, input, output, cacheRead, cacheWrite5m, cacheWrite1h, reasoning,
					null, unpriced);
		}

		Row plus(Row other) {
			BigDecimal total = cost == null ? other.cost : other.cost == null ? cost : cost.add(other.cost);
			return new Row(bucket, groups, requests + other.requests, input + other.input, output + other.output,
					cacheRead + other.cacheRead, cacheWrite5m + other.cacheWrite5m, cacheWrite1h + other.cacheWrite1h,
					reasoning + other.reasoning, total, unpriced + other.unpriced);
		}

		UsageTotals totals(Buckets buckets, List<String> unpricedModels) {
			Instant start = buckets.starts().get(bucket);
			return new UsageTotals(buckets.periods().get(bucket), start.atZone(buckets.zone()).toOffsetDateTime(),
					buckets.end(bucket).atZone(buckets.zone()).toOffsetDateTime(), groups.get("workspace"),
					groups.get("agent"), groups.get("model"), requests, input, output, cacheRead, cacheWrite5m,
					cacheWrite1h, cacheWrite5m + cacheWrite1h, reasoning,
					cost == null ? null : cost.stripTrailingZeros(), unpriced, unpricedModels);
		}

	}

}
