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
import reactor.core.publisher.Mono;

/**
 * Usage totals per time bucket and group, aggregated by the database (GROUP BY over the bucket index
 * that {@link Buckets#indexExpression} computes), on H2 and PostgreSQL alike.
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
		Map<String, Object> parameters = new LinkedHashMap<>();
		Set<String> columns = new LinkedHashSet<>(groupBy);
		columns.add("model");
		String groups = ", " + String.join(", ", columns);
		String sql = "SELECT bucket" + groups + ", " + SUMS + " FROM (" + bucketed(buckets, filter, parameters)
				+ ") u GROUP BY bucket" + groups;
		return UsageRecordStore.bindAll(db.sql(sql), parameters)
			.map(row -> row(row, List.copyOf(columns)))
			.all()
			.collectList()
			.map(rows -> summary(buckets, groupBy, rows));
	}

	private static String bucketed(Buckets buckets, RecordFilter filter, Map<String, Object> parameters) {
		StringBuilder sql = new StringBuilder("SELECT ").append(buckets.indexExpression("occurred_at"))
			.append(" AS bucket, workspace, agent, model, input_tokens, output_tokens, cache_read_tokens,"
					+ " cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost FROM usage_record WHERE"
					+ " occurred_at >= ")
			.append(Buckets.literal(buckets.from()))
			.append(" AND occurred_at < ")
			.append(Buckets.literal(buckets.to()));
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
