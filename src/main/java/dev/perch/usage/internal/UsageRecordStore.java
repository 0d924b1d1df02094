package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.perch.usage.Tokens;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code usage_record} table and its {@code usage_rollup}, in plain SQL that runs on H2 (PostgreSQL
 * mode) and PostgreSQL. Inserts ignore keys that already exist ({@code ON CONFLICT DO NOTHING}, the form
 * both accept), so a batch is idempotent and concurrent batches with the same keys never duplicate a
 * record. Every method that changes records adds exactly what it changed to a {@link RollupChange},
 * which the caller writes with {@link #applyRollup} in the same transaction. Bulk statements differ: one
 * array per column ({@code unnest}) on PostgreSQL, multi-row VALUES on H2.
 */
@Repository
public class UsageRecordStore {

	/** Rows per H2 INSERT: 500 x 19 columns. */
	static final int ROWS_PER_INSERT = 500;

	/** Records a writer hands to {@link #insertNew} at a time. */
	public static final int WRITE_CHUNK = 2000;

	private static final String COLUMNS = "dedupe_key, occurred_at, workspace, agent, model, provider, session_id,"
			+ " input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,"
			+ " reasoning_tokens, cost, cost_source, latency_ms, error_code, source, recorded_at";

	private static final int COLUMN_COUNT = 19;

	private static final String SELECT = "SELECT id, " + COLUMNS + " FROM usage_record";

	/**
	 * PostgreSQL: one statement per chunk with one array per column. Hundreds of bind parameters per
	 * statement cost the R2DBC driver far more than the database; arrays make ingest several times faster.
	 */
	private static final String INSERT_ARRAYS = "INSERT INTO usage_record (" + COLUMNS + ") SELECT * FROM unnest("
			+ "$1::varchar[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[],"
			+ " $7::varchar[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],"
			+ " $14::numeric[], $15::varchar[], $16::bigint[], $17::varchar[], $18::varchar[], $19::timestamptz[])"
			+ " ON CONFLICT DO NOTHING RETURNING dedupe_key";

	private static final String ROLLUP_COLUMNS = "quarter, workspace, agent, model, requests, input_tokens,"
			+ " output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost,"
			+ " unpriced";

	private static final String[] ROLLUP_SUMS = { "requests", "input_tokens", "output_tokens", "cache_read_tokens",
			"cache_write_5m_tokens", "cache_write_1h_tokens", "reasoning_tokens", "cost", "unpriced" };

	/** PostgreSQL: every change of a transaction in one upsert, in key order (rows are locked in that order). */
	private static final String UPSERT_ROLLUP_ARRAYS = "INSERT INTO usage_rollup AS r (" + ROLLUP_COLUMNS + ")"
			+ " SELECT * FROM unnest($1::integer[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[],"
			+ " $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::numeric[],"
			+ " $13::bigint[]) ON CONFLICT (quarter, workspace, agent, model) DO UPDATE SET "
			+ String.join(", ", java.util.Arrays.stream(ROLLUP_SUMS).map(c -> c + " = r." + c + " + excluded." + c).toList());

	private static final int ROLLUP_COLUMN_COUNT = 13;

	private static final String REPLACE = "UPDATE usage_record SET input_tokens = $1, output_tokens = $2,"
			+ " cache_read_tokens = $3, cache_write_5m_tokens = $4, cache_write_1h_tokens = $5, reasoning_tokens = $6,"
			+ " cost = $7, cost_source = $8 WHERE id = $9";

	private final Map<Integer, String> insertSql = new ConcurrentHashMap<>();

	private final Map<Integer, String> rollupInsertSql = new ConcurrentHashMap<>();

	private final Map<Integer, String> rollupMergeSql = new ConcurrentHashMap<>();

	private final DatabaseClient db;

	private final TransactionalOperator transactions;

	private final boolean postgres;

	public UsageRecordStore(DatabaseClient db, ReactiveTransactionManager transactionManager) {
		this.db = db;
		this.transactions = TransactionalOperator.create(transactionManager);
		this.postgres = db.getConnectionFactory().getMetadata().getName().toLowerCase(java.util.Locale.ROOT)
			.contains("postgres");
	}

	/**
	 * Inserts the records whose key is not stored yet, adds them to the rollup change, and answers which
	 * ones those were: exactly, also when a concurrent batch stores some of the same keys
	 * ({@code RETURNING} on PostgreSQL, {@code FINAL TABLE} on H2).
	 */
	public Mono<Insertion> insertNew(List<UsageRecord> records, RollupChange rollup) {
		if (records.isEmpty()) {
			return Mono.just(new Insertion(0, List.of()));
		}
		Mono<Set<String>> insertedKeys = postgres ? insertArrays(records)
				: Flux.fromIterable(chunks(records, ROWS_PER_INSERT))
					.concatMap(this::insertChunk)
					.collect(HashSet::new, Set::addAll);
		return insertedKeys.map(keys -> {
			List<UsageRecord> inserted = keys.size() == records.size() ? records
					: records.stream().filter(record -> keys.contains(record.key())).toList();
			inserted.forEach(rollup::add);
			return new Insertion(inserted.size(), inserted);
		});
	}

	/** What {@link #insertNew} did: the records it inserted. */
	public record Insertion(long count, List<UsageRecord> inserted) {
	}

	/**
	 * The stored records with these keys, locked until the transaction ends (so nothing else replaces
	 * or deletes them in between), in key order.
	 */
	public Mono<List<UsageRecord>> lockStored(List<String> keys) {
		if (keys.isEmpty()) {
			return Mono.just(List.of());
		}
		if (postgres) {
			return db.sql(SELECT + " WHERE dedupe_key = ANY($1::varchar[]) ORDER BY dedupe_key FOR UPDATE")
				.bind(0, keys.toArray(String[]::new))
				.map(UsageRecordStore::record)
				.all()
				.collectList();
		}
		return Flux.fromIterable(chunks(keys, ROWS_PER_INSERT)).concatMap(chunk -> db.inConnectionMany(connection -> {
			Statement statement = connection
				.createStatement(SELECT + " WHERE dedupe_key IN (" + parameters(1, chunk.size()) + ") FOR UPDATE");
			for (int i = 0; i < chunk.size(); i++) {
				statement.bind(i, chunk.get(i));
			}
			return Flux.from(statement.execute()).flatMap(result -> result.map(UsageRecordStore::record));
		})).collectList();
	}

	/** A stored record and the version that replaces its tokens and cost. */
	public record Replacement(UsageRecord stored, UsageRecord replacement) {
	}

	/**
	 * Replaces the tokens, cost and cost source of stored records (locked with {@link #lockStored}) and
	 * adds the differences to the rollup change; answers how many rows were updated.
	 */
	public Mono<Long> replace(List<Replacement> replacements, RollupChange rollup) {
		if (replacements.isEmpty()) {
			return Mono.just(0L);
		}
		return db.inConnection(connection -> {
			Statement statement = connection.createStatement(REPLACE);
			for (int i = 0; i < replacements.size(); i++) {
				if (i > 0) {
					statement.add();
				}
				UsageRecord next = replacements.get(i).replacement();
				Tokens tokens = next.tokens();
				statement.bind(0, tokens.input()).bind(1, tokens.output()).bind(2, tokens.cacheRead())
					.bind(3, tokens.cacheWrite5m()).bind(4, tokens.cacheWrite1h()).bind(5, tokens.reasoning());
				bindNullable(statement, 6, next.cost(), BigDecimal.class);
				bindNullable(statement, 7, next.costSource(), String.class);
				statement.bind(8, replacements.get(i).stored().id());
			}
			return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
		}).map(updated -> {
			replacements.forEach(r -> rollup.replace(r.stored(), r.replacement()));
			return updated;
		});
	}

	/** Writes a rollup change: adds each entry to its row, creating the row when it is missing. */
	public Mono<Void> applyRollup(RollupChange rollup) {
		List<RollupChange.Entry> entries = rollup.entries();
		if (entries.isEmpty()) {
			return Mono.empty();
		}
		if (postgres) {
			return upsertRollupArrays(entries);
		}
		return Flux.fromIterable(chunks(entries, ROWS_PER_INSERT)).concatMap(this::upsertRollupChunk).then();
	}

	private Mono<Set<String>> insertArrays(List<UsageRecord> records) {
		int n = records.size();
		String[] keys = new String[n];
		OffsetDateTime[] occurred = new OffsetDateTime[n];
		String[] workspaces = new String[n];
		String[] agents = new String[n];
		String[] models = new String[n];
		String[] providers = new String[n];
		String[] sessions = new String[n];
		Long[][] tokens = new Long[6][n];
		BigDecimal[] costs = new BigDecimal[n];
		String[] costSources = new String[n];
		Long[] latencies = new Long[n];
		String[] errors = new String[n];
		String[] sources = new String[n];
		OffsetDateTime[] recorded = new OffsetDateTime[n];
		for (int i = 0; i < n; i++) {
			UsageRecord record = records.get(i);
			keys[i] = record.key();
			occurred[i] = utc(record.occurredAt());
			workspaces[i] = record.workspace();
			agents[i] = record.agent();
			models[i] = record.model();
			providers[i] = record.provider();
			sessions[i] = record.sessionId();
			Tokens t = record.tokens();
			tokens[0][i] = t.input();
			tokens[1][i] = t.output();
			tokens[2][i] = t.cacheRead();
			tokens[3][i] = t.cacheWrite5m();
			tokens[4][i] = t.cacheWrite1h();
			tokens[5][i] = t.reasoning();
			costs[i] = record.cost();
			costSources[i] = record.costSource();
			latencies[i] = record.latencyMs();
			errors[i] = record.errorCode();
			sources[i] = record.source();
			recorded[i] = utc(record.recordedAt());
		}
		return db.inConnection(connection -> {
			Statement statement = connection.createStatement(INSERT_ARRAYS);
			Object[] columns = { keys, occurred, workspaces, agents, models, providers, sessions, tokens[0], tokens[1],
					tokens[2], tokens[3], tokens[4], tokens[5], costs, costSources, latencies, errors, sources, recorded };
			for (int i = 0; i < columns.length; i++) {
				statement.bind(i, columns[i]);
			}
			return Flux.from(statement.execute())
				.flatMap(result -> result.map(row -> row.get(0, String.class)))
				.collect(HashSet::new, Set::add);
		});
	}

	/** H2: the keys of the rows the INSERT really inserted ({@code FINAL TABLE} leaves out the conflicts). */
	private Mono<Set<String>> insertChunk(List<UsageRecord> chunk) {
		String sql = insertSql.computeIfAbsent(chunk.size(), UsageRecordStore::insertSql);
		return db.inConnectionMany(connection -> {
			Statement statement = connection.createStatement(sql);
			int index = 0;
			for (UsageRecord record : chunk) {
				index = bind(statement, index, record);
			}
			return Flux.from(statement.execute()).flatMap(result -> result.map(row -> row.get(0, String.class)));
		}).collect(HashSet::new, Set::add);
	}

	private static String insertSql(int rows) {
		StringBuilder sql = new StringBuilder("SELECT dedupe_key FROM FINAL TABLE (INSERT INTO usage_record (")
			.append(COLUMNS)
			.append(") VALUES ")
			.append(rows(rows, COLUMN_COUNT, null));
		// no conflict target: H2 accepts only this form; the one unique key besides the id is dedupe_key
		return sql.append(" ON CONFLICT DO NOTHING)").toString();
	}

	private Mono<Void> upsertRollupArrays(List<RollupChange.Entry> entries) {
		int n = entries.size();
		Integer[] quarters = new Integer[n];
		String[] workspaces = new String[n];
		String[] agents = new String[n];
		String[] models = new String[n];
		Long[][] sums = new Long[7][n];
		BigDecimal[] costs = new BigDecimal[n];
		Long[] unpriced = new Long[n];
		for (int i = 0; i < n; i++) {
			RollupChange.Entry entry = entries.get(i);
			quarters[i] = entry.key().quarter();
			workspaces[i] = entry.key().workspace();
			agents[i] = entry.key().agent();
			models[i] = entry.key().model();
			sums[0][i] = entry.requests();
			for (int kind = 0; kind < 6; kind++) {
				sums[kind + 1][i] = entry.tokens()[kind];
			}
			costs[i] = entry.cost();
			unpriced[i] = entry.unpriced();
		}
		Object[] columns = { quarters, workspaces, agents, models, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5],
				sums[6], costs, unpriced };
		DatabaseClient.GenericExecuteSpec spec = db.sql(UPSERT_ROLLUP_ARRAYS);
		for (int i = 0; i < columns.length; i++) {
			spec = spec.bind(i, columns[i]);
		}
		return spec.then();
	}

	/**
	 * H2 has no {@code ON CONFLICT DO UPDATE}: insert the rows that are missing ({@code DO NOTHING} waits
	 * for a concurrent transaction that inserts the same row, then skips it), then add to the others with
	 * a MERGE (which also inserts a row deleted in between by retention).
	 */
	private Mono<Void> upsertRollupChunk(List<RollupChange.Entry> chunk) {
		String insert = rollupInsertSql.computeIfAbsent(chunk.size(), rows -> "SELECT quarter, workspace, agent, model"
				+ " FROM FINAL TABLE (INSERT INTO usage_rollup (" + ROLLUP_COLUMNS + ") VALUES "
				+ rows(rows, ROLLUP_COLUMN_COUNT, null) + " ON CONFLICT DO NOTHING)");
		Mono<Set<RollupChange.Key>> inserted = db.inConnectionMany(connection -> {
			Statement statement = connection.createStatement(insert);
			bindRollup(statement, chunk);
			return Flux.from(statement.execute())
				.flatMap(result -> result.map(row -> new RollupChange.Key(((Number) row.get(0)).intValue(),
						row.get(1, String.class), row.get(2, String.class), row.get(3, String.class))));
		}).collect(HashSet::new, Set::add);
		return inserted.flatMap(keys -> {
			List<RollupChange.Entry> rest = chunk.stream().filter(entry -> !keys.contains(entry.key())).toList();
			return rest.isEmpty() ? Mono.empty() : mergeRollup(rest);
		});
	}

	private Mono<Void> mergeRollup(List<RollupChange.Entry> entries) {
		String sql = rollupMergeSql.computeIfAbsent(entries.size(), rows -> "MERGE INTO usage_rollup r USING (VALUES "
				+ rows(rows, ROLLUP_COLUMN_COUNT, ROLLUP_TYPES) + ") AS d(" + ROLLUP_COLUMNS + ") ON r.quarter = d.quarter"
				+ " AND r.workspace = d.workspace AND r.agent = d.agent AND r.model = d.model WHEN MATCHED THEN UPDATE SET "
				+ String.join(", ", java.util.Arrays.stream(ROLLUP_SUMS).map(c -> c + " = r." + c + " + d." + c).toList())
				+ " WHEN NOT MATCHED THEN INSERT (" + ROLLUP_COLUMNS + ") VALUES (d."
				+ ROLLUP_COLUMNS.replace(", ", ", d.") + ")");
		return db.inConnection(connection -> {
			Statement statement = connection.createStatement(sql);
			bindRollup(statement, entries);
			return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).then();
		});
	}

	/** H2 cannot tell the types of parameters in a VALUES list that is a MERGE source. */
	private static final String[] ROLLUP_TYPES = { "INTEGER", "VARCHAR(128)", "VARCHAR(32)", "VARCHAR(128)", "BIGINT",
			"BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "NUMERIC(28, 10)", "BIGINT" };

	private static void bindRollup(Statement statement, List<RollupChange.Entry> entries) {
		int i = 0;
		for (RollupChange.Entry entry : entries) {
			statement.bind(i++, entry.key().quarter());
			statement.bind(i++, entry.key().workspace());
			statement.bind(i++, entry.key().agent());
			statement.bind(i++, entry.key().model());
			statement.bind(i++, entry.requests());
			for (long tokens : entry.tokens()) {
				statement.bind(i++, tokens);
			}
			statement.bind(i++, entry.cost());
			statement.bind(i++, entry.unpriced());
		}
	}

	/** {@code ($1, $2), ($3, $4)} for rows x columns parameters, each cast to its type when types are given. */
	private static String rows(int rows, int columns, String @Nullable [] types) {
		StringBuilder sql = new StringBuilder();
		int parameter = 1;
		for (int row = 0; row < rows; row++) {
			sql.append(row == 0 ? "(" : ", (");
			for (int column = 0; column < columns; column++) {
				sql.append(column == 0 ? "" : ", ");
				if (types == null) {
					sql.append('$').append(parameter++);
				}
				else {
					sql.append("CAST($").append(parameter++).append(" AS ").append(types[column]).append(')');
				}
			}
			sql.append(')');
		}
		return sql.toString();
	}

	private static String parameters(int first, int count) {
		StringBuilder sql = new StringBuilder();
		for (int i = 0; i < count; i++) {
			sql.append(i == 0 ? "$" : ", $").append(first + i);
		}
		return sql.toString();
	}

	private static <T> List<List<T>> chunks(List<T> items, int size) {
		List<List<T>> chunks = new ArrayList<>();
		for (int i = 0; i < items.size(); i += size) {
			chunks.add(items.subList(i, Math.min(items.size(), i + size)));
		}
		return chunks;
	}

	private static int bind(Statement statement, int start, UsageRecord record) {
		int i = start;
		Tokens tokens = record.tokens();
		statement.bind(i++, record.key());
		statement.bind(i++, utc(record.occurredAt()));
		statement.bind(i++, record.workspace());
		statement.bind(i++, record.agent());
		statement.bind(i++, record.model());
		bindNullable(statement, i++, record.provider(), String.class);
		bindNullable(statement, i++, record.sessionId(), String.class);
		statement.bind(i++, tokens.input());
		statement.bind(i++, tokens.output());
		statement.bind(i++, tokens.cacheRead());
		statement.bind(i++, tokens.cacheWrite5m());
		statement.bind(i++, tokens.cacheWrite1h());
		statement.bind(i++, tokens.reasoning());
		bindNullable(statement, i++, record.cost(), BigDecimal.class);
		bindNullable(statement, i++, record.costSource(), String.class);
		bindNullable(statement, i++, record.latencyMs(), Long.class);
		bindNullable(statement, i++, record.errorCode(), String.class);
		statement.bind(i++, record.source());
		statement.bind(i++, utc(record.recordedAt()));
		return i;
	}

	private static <T> void bindNullable(Statement statement, int index, @Nullable T value, Class<T> type) {
		if (value == null) {
			statement.bindNull(index, type);
		}
		else {
			statement.bind(index, value);
		}
	}

	/** One page, newest first, strictly after the cursor position. */
	public Flux<UsageRecord> page(RecordFilter filter, @Nullable RecordCursor after, int limit) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		StringBuilder sql = new StringBuilder(SELECT).append(where(filter, parameters));
		if (after != null) {
			sql.append(parameters.isEmpty() ? " WHERE " : " AND ")
				.append("(occurred_at < :cursorAt OR (occurred_at = :cursorAt AND id < :cursorId))");
			parameters.put("cursorAt", utc(after.occurredAt()));
			parameters.put("cursorId", after.id());
		}
		sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ").append(limit);
		return bindAll(db.sql(sql.toString()), parameters).map(UsageRecordStore::record).all();
	}

	/** Every matching record, oldest first, read from the database as the consumer asks for them. */
	public Flux<UsageRecord> stream(RecordFilter filter) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		String sql = SELECT + where(filter, parameters) + " ORDER BY occurred_at, id";
		return bindAll(db.sql(sql), parameters)
			.filter((statement, next) -> next.execute(statement.fetchSize(1000)))
			.map(UsageRecordStore::record)
			.all();
	}

	/**
	 * Deletes records that occurred before the cutoff, oldest first, at most {@code batchSize} rows per
	 * transaction (so ingest never waits long), taking them out of the rollup in the same transaction;
	 * answers how many were deleted.
	 */
	public Mono<Long> deleteBefore(Instant cutoff, int batchSize) {
		Mono<Long> batch = deleteBatch(cutoff, batchSize).as(transactions::transactional);
		return batch.expand(deleted -> deleted < batchSize ? Mono.empty() : batch).reduce(0L, Long::sum);
	}

	private Mono<Long> deleteBatch(Instant cutoff, int batchSize) {
		String oldest = SELECT + " WHERE occurred_at < :cutoff ORDER BY occurred_at LIMIT " + batchSize + " FOR UPDATE";
		return db.sql(oldest).bind("cutoff", utc(cutoff)).map(UsageRecordStore::record).all().collectList()
			.flatMap(records -> records.isEmpty() ? Mono.just(0L) : delete(records));
	}

	/** Deletes locked records, takes them out of the rollup and drops rollup rows that became empty. */
	private Mono<Long> delete(List<UsageRecord> records) {
		RollupChange rollup = new RollupChange();
		records.forEach(rollup::subtract);
		Long[] ids = records.stream().map(UsageRecord::id).toArray(Long[]::new);
		Mono<Long> deleted = postgres
				? db.sql("DELETE FROM usage_record WHERE id = ANY($1::bigint[])").bind(0, ids).fetch().rowsUpdated()
				: db.sql("DELETE FROM usage_record WHERE id IN (" + String.join(", ",
						java.util.Arrays.stream(ids).map(String::valueOf).toList()) + ")").fetch().rowsUpdated();
		int first = records.stream().mapToInt(record -> RollupChange.quarter(record.occurredAt())).min().orElseThrow();
		int last = records.stream().mapToInt(record -> RollupChange.quarter(record.occurredAt())).max().orElseThrow();
		Mono<Long> emptied = db.sql("DELETE FROM usage_rollup WHERE quarter >= :first AND quarter <= :last"
				+ " AND requests = 0").bind("first", first).bind("last", last).fetch().rowsUpdated();
		return deleted.flatMap(count -> applyRollup(rollup).then(emptied).thenReturn(count));
	}

	private static String where(RecordFilter filter, Map<String, Object> parameters) {
		List<String> conditions = new ArrayList<>();
		if (filter.from() != null) {
			conditions.add("occurred_at >= :from");
			parameters.put("from", utc(filter.from()));
		}
		if (filter.to() != null) {
			conditions.add("occurred_at < :to");
			parameters.put("to", utc(filter.to()));
		}
		condition(conditions, parameters, "workspace", filter.workspace());
		condition(conditions, parameters, "agent", filter.agent());
		condition(conditions, parameters, "model", filter.model());
		condition(conditions, parameters, "session_id", filter.sessionId());
		return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
	}

	private static void condition(List<String> conditions, Map<String, Object> parameters, String column,
			@Nullable String value) {
		if (value != null) {
			conditions.add(column + " = :" + column);
			parameters.put(column, value);
		}
	}

	static DatabaseClient.GenericExecuteSpec bindAll(DatabaseClient.GenericExecuteSpec spec,
			Map<String, Object> parameters) {
		DatabaseClient.GenericExecuteSpec bound = spec;
		for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
			bound = bound.bind(parameter.getKey(), parameter.getValue());
		}
		return bound;
	}

	private static UsageRecord record(Readable row) {
		Tokens tokens = new Tokens(number(row, "input_tokens"), number(row, "output_tokens"),
				number(row, "cache_read_tokens"), number(row, "cache_write_5m_tokens"),
				number(row, "cache_write_1h_tokens"), number(row, "reasoning_tokens"));
		BigDecimal cost = row.get("cost", BigDecimal.class);
		return new UsageRecord(row.get("id", Long.class), row.get("dedupe_key", String.class),
				row.get("occurred_at", OffsetDateTime.class).toInstant(), row.get("workspace", String.class),
				row.get("agent", String.class), row.get("model", String.class), row.get("provider", String.class),
				row.get("session_id", String.class), tokens, cost == null ? null : cost.stripTrailingZeros(),
				row.get("cost_source", String.class), row.get("latency_ms", Long.class),
				row.get("error_code", String.class), row.get("source", String.class),
				row.get("recorded_at", OffsetDateTime.class).toInstant());
	}

	private static long number(Readable row, String column) {
		Long value = row.get(column, Long.class);
		return value == null ? 0 : value;
	}

	static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
