package dev.perch.session.internal;

import java.time.Instant;
import java.time.ZoneOffset;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/**
 * The {@code usage_collection} table: per workspace, the fingerprint of its agent sources when the
 * collector last read them, so an unchanged workspace is skipped (and stays skipped after a restart).
 */
@Repository
class CollectionFingerprints {

	private final DatabaseClient db;

	CollectionFingerprints(DatabaseClient db) {
		this.db = db;
	}

	Mono<String> find(String workspace) {
		return db.sql("SELECT fingerprint FROM usage_collection WHERE workspace = :workspace")
			.bind("workspace", workspace)
			.map(row -> row.get(0, String.class))
			.one();
	}

	/** Update, else insert: H2 accepts no {@code ON CONFLICT DO UPDATE}; one collection runs at a time. */
	Mono<Void> save(String workspace, Fingerprint fingerprint, Instant at) {
		return db.sql("UPDATE usage_collection SET fingerprint = :fingerprint, sources = :sources,"
				+ " collected_at = :at WHERE workspace = :workspace")
			.bind("fingerprint", fingerprint.value())
			.bind("sources", fingerprint.sources())
			.bind("at", at.atOffset(ZoneOffset.UTC))
			.bind("workspace", workspace)
			.fetch()
			.rowsUpdated()
			.filter(updated -> updated == 0)
			.flatMap(none -> db.sql("INSERT INTO usage_collection (workspace, fingerprint, sources, collected_at)"
					+ " VALUES (:workspace, :fingerprint, :sources, :at) ON CONFLICT DO NOTHING")
				.bind("workspace", workspace)
				.bind("fingerprint", fingerprint.value())
				.bind("sources", fingerprint.sources())
				.bind("at", at.atOffset(ZoneOffset.UTC))
				.fetch()
				.rowsUpdated())
			.then();
	}

	/** A digest of every agent source's path, size and mtime, and how many sources there were. */
	record Fingerprint(String value, int sources) {
	}

}
