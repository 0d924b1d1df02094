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

import dev.perch.usage.Tokens;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code usage_record} table, in plain SQL that runs on H2 (PostgreSQL mode) and PostgreSQL.
 * Inserts ignore keys that already exist ({@code ON CONFLICT DO NOTHING}, the form both accept), so a
 * batch is idempotent and concurrent batches with the same keys never duplicate a record. Bulk
 * statements differ: multi-row VALUES on H2, one array per column ({@code unnest}) on PostgreSQL.
 */
@Repository
public class UsageRecordStore {

	/** Rows per INSERT: 500 x 19 columns stays far below PostgreSQL's 65,535 bind parameters. */
	static final int ROWS_PER_INSERT = 500;

	/** Records a writer hands to {@link #insert} at a time: one duplicate check, one or a few INSERTs. */
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

	private final Map<Integer, String> insertSql = new ConcurrentHashMap<>();

	private final DatabaseClient db;

	private final boolean postgres;

	public UsageRecordStore(DatabaseClient db) {
		this.db = db;
		this.postgres = db.getConnectionFactory().getMetadata().getName().toLowerCase(java.util.Locale.ROOT)
			.contains("postgres");
	}

	/** The keys among these that are already stored. */
	public Mono<Set<String>> existingKeys(List<String> keys) {
		if (keys.isEmpty()) {
			return Mono.just(Set.of());
		}
		if (postgres) {
			return db.sql("SELECT dedupe_key FROM usage_record WHERE dedupe_key = ANY($1::varchar[])")
				.bind(0, keys.toArray(String[]::new))
				.map(row -> row.get(0, String.class))
				.all()
				.collect(HashSet::new, Set::add);
		}
		StringBuilder sql = new StringBuilder("SELECT dedupe_key FROM usage_record WHERE dedupe_key IN (");
		for (int i = 0; i < keys.size(); i++) {
			sql.append(i == 0 ? "$" : ", $").append(i + 1);
		}
		sql.append(')');
		return db.inConnectionMany(connection -> {
			Statement statement = connection.createStatement(sql.toString());
			for (int i = 0; i < keys.size(); i++) {
				statement.bind(i, keys.get(i));
			}
			return Flux.from(statement.execute()).flatMap(result -> result.map(row -> row.get(0, String.class)));
		}).collect(HashSet::new, Set::add);
	}

	/**
	 * Inserts the records whose key is not stored yet and answers which ones those were: exactly on
	 * PostgreSQL ({@code RETURNING}); on H2 after a check for stored keys, and none are named in the rare
	 * case that a concurrent batch stored some of them in between (the count stays exact).
	 */
	public Mono<Insertion> insertNew(List<UsageRecord> records) {
		if (records.isEmpty()) {
			return Mono.just(new Insertion(0, List.of()));
		}
		if (postgres) {
			return insertArrays(records).map(keys -> new Insertion(keys.size(),
					keys.size() == records.size() ? records
							: records.stream().filter(record -> keys.contains(record.key())).toList()));
		}
		return existingKeys(records.stream().map(UsageRecord::key).toList()).flatMap(existing -> {
			List<UsageRecord> fresh = records.stream().filter(record -> !existing.contains(record.key())).toList();
			return insert(fresh).map(count -> new Insertion(count, count == fresh.size() ? fresh : List.of()));
		});
	}

	/** What {@link #insertNew} did: how many rows it inserted, and those it can name. */
	public record Insertion(long count, List<UsageRecord> inserted) {
	}

	/** Inserts the records whose key is new; answers how many were inserted. */
	public Mono<Long> insert(List<UsageRecord> records) {
		if (records.isEmpty()) {
			return Mono.just(0L);
		}
		if (postgres) {
			return insertArrays(records).map(keys -> (long) keys.size());
		}
		List<List<UsageRecord>> chunks = new ArrayList<>();
		for (int i = 0; i < records.size(); i += ROWS_PER_INSERT) {
			chunks.add(records.subList(i, Math.min(records.size(), i + ROWS_PER_INSERT)));
		}
		return Flux.fromIterable(chunks).concatMap(this::insertChunk).reduce(0L, Long::sum);
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

	private Mono<Long> insertChunk(List<UsageRecord> chunk) {
		String sql = insertSql.computeIfAbsent(chunk.size(), UsageRecordStore::insertSql);
		return db.inConnection(connection -> {
			Statement statement = connection.createStatement(sql);
			int index = 0;
			for (UsageRecord record : chunk) {
				index = bind(statement, index, record);
			}
			return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
		});
	}

	private static String insertSql(int rows) {
		StringBuilder sql = new StringBuilder("INSERT INTO usage_record (" + COLUMNS + ") VALUES ");
		int parameter = 1;
		for (int row = 0; row < rows; row++) {
			sql.append(row == 0 ? "(" : ", (");
			for (int column = 0; column < COLUMN_COUNT; column++) {
				sql.append(column == 0 ? "$" : ", $").append(parameter++);
			}
			sql.append(')');
		}
		// no conflict target: H2 accepts only this form; the one unique key besides the id is dedupe_key
		return sql.append(" ON CONFLICT DO NOTHING").toString();
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
	 * Deletes records that occurred before the cutoff, at most {@code batchSize} rows per statement
	 * (each its own short transaction, so ingest never waits long); answers how many were deleted.
	 */
	public Mono<Long> deleteBefore(Instant cutoff, int batchSize) {
		String sql = "DELETE FROM usage_record WHERE id IN (SELECT id FROM usage_record WHERE occurred_at < :cutoff"
				+ " ORDER BY occurred_at LIMIT " + batchSize + ")";
		Mono<Long> batch = db.sql(sql).bind("cutoff", utc(cutoff)).fetch().rowsUpdated();
		return batch.expand(deleted -> deleted < batchSize ? Mono.empty() : batch).reduce(0L, Long::sum);
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
