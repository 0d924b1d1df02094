package dev.perch.session.internal;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.session.internal.CollectionFingerprints.Fingerprint;
import dev.perch.support.TestDatabase;
import reactor.test.StepVerifier;

/** The collector's {@code usage_collection} table (V4) on H2 and PostgreSQL: one fingerprint per workspace. */
class CollectionFingerprintsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void keepsTheLatestFingerprintOfEachWorkspace(TestDatabase database) {
		CollectionFingerprints fingerprints = new CollectionFingerprints(
				DatabaseClient.create(database.migrated().connectionFactory()));
		Instant at = Instant.parse("2026-11-25T02:00:00Z");

		fingerprints.find("alpha").as(StepVerifier::create).expectComplete().verify(TIMEOUT);
		fingerprints.save("alpha", new Fingerprint("a".repeat(64), 3), at)
			.then(fingerprints.save("beta", new Fingerprint("b".repeat(64), 1), at))
			.then(fingerprints.save("alpha", new Fingerprint("c".repeat(64), 4), at.plusSeconds(60)))
			.as(StepVerifier::create)
			.expectComplete()
			.verify(TIMEOUT);

		fingerprints.find("alpha").as(StepVerifier::create).expectNext("c".repeat(64)).expectComplete().verify(TIMEOUT);
		fingerprints.find("beta").as(StepVerifier::create).expectNext("b".repeat(64)).expectComplete().verify(TIMEOUT);
	}

}
