package dev.perch.session.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.perch.session.Agent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code usage_collection_file} table (V6): per workspace and agent file, how far the collector read it,
 * so the next collection of a changed workspace reads only what was appended (and survives a restart).
 */
@Repository
class CollectionFiles {

	/** Rows per multi-row insert (11 parameters each). */
	static final int INSERT_CHUNK = 200;

	/** Keys per {@code DELETE ... IN (...)}. */
	static final int DELETE_CHUNK = 500;

	private static final String COLUMNS = "workspace, path_hash, agent, path, file_size, file_mtime, file_identity,"
			+ " read_offset, head_hash, reader_state, read_at";

	private final DatabaseClient db;

	CollectionFiles(DatabaseClient db) {
		this.db = db;
	}

	/** Every file of the workspace as last read, by path. */
	Mono<Map<String, CollectedFile>> find(String workspace) {
		return db.sql("SELECT path, agent, file_size, file_mtime, file_identity, read_offset, head_hash, reader_state"
				+ " FROM usage_collection_file WHERE workspace = :workspace")
			.bind("workspace", workspace)
			.map(row -> new CollectedFile(row.get("path", String.class), Agent.parse(row.get("agent", String.class)),
					row.get("file_size", Long.class), row.get("file_mtime", Long.class),
					row.get("file_identity", String.class), row.get("read_offset", Long.class),
					row.get("head_hash", String.class), row.get("reader_state", String.class)))
			.all()
			.collectMap(CollectedFile::path);
	}

	/**
	 * Stores the files just read ({@code known}: a row exists, it is updated; the others are inserted) and
	 * forgets files that are gone. Each statement stands alone: a file whose row was not written is read
	 * again from its previous offset, and the dedupe keys keep that from counting anything twice.
	 */
	Mono<Void> save(String workspace, List<CollectedFile> known, List<CollectedFile> added, Collection<String> gone,
			Instant at) {
		OffsetDateTime now = at.atOffset(ZoneOffset.UTC);
		Flux<Long> updates = Flux.fromIterable(known).concatMap(file -> update(workspace, file, now));
		Flux<Long> inserts = Flux.fromIterable(added).buffer(INSERT_CHUNK).concatMap(chunk -> insert(workspace, chunk, now));
		Flux<Long> deletes = Flux.fromIterable(gone).map(CollectedFile::pathHash).buffer(DELETE_CHUNK)
			.concatMap(hashes -> delete(workspace, hashes));
		return Flux.concat(updates, inserts, deletes).then();
	}

	private Mono<Long> update(String workspace, CollectedFile file, OffsetDateTime at) {
		GenericExecuteSpec spec = db.sql("UPDATE usage_collection_file SET agent = :agent, path = :path,"
				+ " file_size = :size, file_mtime = :mtime, file_identity = :identity, read_offset = :offset,"
				+ " head_hash = :head, reader_state = :state, read_at = :at WHERE workspace = :workspace AND path_hash = :hash")
			.bind("workspace", workspace)
			.bind("hash", file.pathHash())
			.bind("agent", file.agent().json())
			.bind("path", file.path())
			.bind("size", file.size())
			.bind("mtime", file.modified())
			.bind("offset", file.offset())
			.bind("head", file.head())
			.bind("at", at);
		spec = nullable(spec, "identity", file.identity());
		spec = nullable(spec, "state", file.state());
		return spec.fetch().rowsUpdated();
	}

	/** One multi-row insert; a row another replica inserted meanwhile is left as it is. */
	private Mono<Long> insert(String workspace, List<CollectedFile> files, OffsetDateTime at) {
		StringBuilder sql = new StringBuilder("INSERT INTO usage_collection_file (" + COLUMNS + ") VALUES ");
		for (int i = 0; i < files.size(); i++) {
			sql.append(i == 0 ? "" : ", ").append("(:workspace, :hash").append(i).append(", :agent").append(i)
				.append(", :path").append(i).append(", :size").append(i).append(", :mtime").append(i)
				.append(", :identity").append(i).append(", :offset").append(i).append(", :head").append(i)
				.append(", :state").append(i).append(", :at)");
		}
		sql.append(" ON CONFLICT DO NOTHING");
		GenericExecuteSpec spec = db.sql(sql.toString()).bind("workspace", workspace).bind("at", at);
		for (int i = 0; i < files.size(); i++) {
			CollectedFile file = files.get(i);
			spec = spec.bind("hash" + i, file.pathHash())
				.bind("agent" + i, file.agent().json())
				.bind("path" + i, file.path())
				.bind("size" + i, file.size())
				.bind("mtime" + i, file.modified())
				.bind("offset" + i, file.offset())
				.bind("head" + i, file.head());
			spec = nullable(spec, "identity" + i, file.identity());
			spec = nullable(spec, "state" + i, file.state());
		}
		return spec.fetch().rowsUpdated();
	}

	private Mono<Long> delete(String workspace, List<String> hashes) {
		return db.sql("DELETE FROM usage_collection_file WHERE workspace = :workspace AND path_hash IN (:hashes)")
			.bind("workspace", workspace)
			.bind("hashes", new ArrayList<>(hashes))
			.fetch()
			.rowsUpdated();
	}

	private static GenericExecuteSpec nullable(GenericExecuteSpec spec, String name, @Nullable String value) {
		return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
	}

}
