package dev.perch.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.support.TestDatabase;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency-Keys in SQL, on H2 and on PostgreSQL: claimed once, forgotten after the retention. */
class IdempotencyKeysIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aKeyIsClaimedOncePerWorkspaceAndSession(TestDatabase database) {
		IdempotencyKeys keys = new IdempotencyKeys(DatabaseClient.create(database.migrated().connectionFactory()), Clock.systemUTC());

		assertThat(keys.claim("ws", "ses_aaaaaaaa", "k1").block(WAIT)).isTrue();
		assertThat(keys.claim("ws", "ses_aaaaaaaa", "k1").block(WAIT)).isFalse();
		assertThat(keys.claim("ws", "ses_bbbbbbbb", "k1").block(WAIT)).as("another session").isTrue();
		assertThat(keys.claim("other", "ses_aaaaaaaa", "k1").block(WAIT)).as("another workspace").isTrue();
		assertThat(keys.claim("ws", "ses_aaaaaaaa", "k2").block(WAIT)).as("another key").isTrue();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void concurrentClaimsOfOneKeyLetExactlyOneWin(TestDatabase database) {
		IdempotencyKeys keys = new IdempotencyKeys(DatabaseClient.create(database.migrated().connectionFactory()), Clock.systemUTC());

		long won = Flux.range(0, 20).flatMap(i -> keys.claim("ws", "ses_aaaaaaaa", "race"), 20)
			.filter(Boolean::booleanValue).count().block(WAIT);

		assertThat(won).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void keysAreForgottenAfterTheRetention(TestDatabase database) {
		AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
		Clock clock = new Clock() {
			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return now.get();
			}
		};
		IdempotencyKeys keys = new IdempotencyKeys(DatabaseClient.create(database.migrated().connectionFactory()), clock);
		assertThat(keys.claim("ws", "ses_aaaaaaaa", "old").block(WAIT)).isTrue();

		now.set(now.get().plus(IdempotencyKeys.RETENTION).minusSeconds(60));
		assertThat(keys.claim("ws", "ses_aaaaaaaa", "old").block(WAIT)).as("still within the retention").isFalse();

		now.set(now.get().plus(Duration.ofHours(2)));
		assertThat(keys.claim("ws", "ses_aaaaaaaa", "old").block(WAIT)).as("forgotten after it").isTrue();
	}

}
