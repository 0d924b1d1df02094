package dev.perch.workspace.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.OptimisticLockingFailureException;

import dev.perch.support.TestDatabase;
import dev.perch.workspace.WorkspaceStatus;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class WorkspaceRepositoryIntegrationTests {

	private static Workspace workspace(String name) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		return new Workspace(name, "docker", "debian:12", "stopped", "https://example.org/r.git", "{\"A\":\"1\"}",
				"[{\"port\":3000,\"hostPort\":20000}]", null, now, now, null);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void storesAndReadsEveryColumn(TestDatabase database) {
		WorkspaceRepository repository = database.migrated().repository(WorkspaceRepository.class);
		Workspace original = workspace("alpha");

		repository.save(original)
			.then(repository.findById("alpha"))
			.as(StepVerifier::create)
			.assertNext(found -> {
				assertThat(found).usingRecursiveComparison().ignoringFields("version").isEqualTo(original);
				assertThat(found.version()).isNotNull();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsByNameAndRejectsAStaleUpdate(TestDatabase database) {
		WorkspaceRepository repository = database.migrated().repository(WorkspaceRepository.class);

		repository.save(workspace("beta"))
			.then(repository.save(workspace("alpha")))
			.thenMany(repository.findAllByOrderByName().map(Workspace::name))
			.as(StepVerifier::create)
			.expectNext("alpha", "beta")
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		Workspace stored = repository.findById("alpha").block(Duration.ofSeconds(5));
		repository.save(stored.withStatus(WorkspaceStatus.RUNNING)).block(Duration.ofSeconds(5));
		repository.save(stored.withStatus(WorkspaceStatus.MISSING))
			.as(StepVerifier::create)
			.expectError(OptimisticLockingFailureException.class)
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void refusesASecondWorkspaceWithTheSameName(TestDatabase database) {
		var migrated = database.migrated();
		WorkspaceRepository repository = migrated.repository(WorkspaceRepository.class);
		repository.save(workspace("gamma")).block(Duration.ofSeconds(5));

		migrated.template().insert(workspace("gamma"))
			.as(StepVerifier::create)
			.expectError(org.springframework.dao.DataIntegrityViolationException.class)
			.verify(Duration.ofSeconds(10));
	}

}
