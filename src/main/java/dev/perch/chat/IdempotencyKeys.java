package dev.perch.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * The {@code Idempotency-Key}s of sent messages, in the database, so that a key outlives a restart of Perch:
 * a key is claimed before its message is sent, and a key already claimed is never sent again. Keys are kept
 * {@link #RETENTION} after first use (as payment APIs keep theirs); older ones are deleted, at most once per
 * {@link #SWEEP_EVERY}, by the claim that comes along then.
 */
@Component
class IdempotencyKeys {

	static final Duration RETENTION = Duration.ofHours(24);

	private static final Duration SWEEP_EVERY = Duration.ofHours(1);

	private final DatabaseClient db;

	private final Clock clock;

	private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

	IdempotencyKeys(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** True when this call claimed the key; false when it was used before (and is not yet forgotten). */
	Mono<Boolean> claim(String workspace, String sessionId, String key) {
		return Mono.defer(() -> {
			Instant now = clock.instant();
			return sweep(now).then(db.sql("INSERT INTO chat_idempotency_key (workspace, session_id, idempotency_key, used_at)"
					+ " VALUES (:workspace, :session, :key, :at) ON CONFLICT DO NOTHING")
				.bind("workspace", workspace)
				.bind("session", sessionId)
				.bind("key", key)
				.bind("at", now.atOffset(ZoneOffset.UTC))
				.fetch()
				.rowsUpdated()
				.map(inserted -> inserted == 1));
		});
	}

	private Mono<Void> sweep(Instant now) {
		Instant due = nextSweep.get();
		if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_EVERY))) {
			return Mono.empty();
		}
		return db.sql("DELETE FROM chat_idempotency_key WHERE used_at < :cutoff")
			.bind("cutoff", now.minus(RETENTION).atOffset(ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.then();
	}

}
