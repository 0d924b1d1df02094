package dev.perch.session.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.dao.DataIntegrityViolationException;

import dev.perch.support.TestDatabase;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SessionMetaRepositoryIntegrationTests {

	private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

	private static final List<String> ALL = List.of("opencode", "claude", "codex");

	private static SessionMeta row(String workspace, String agent, String id, Instant updated) {
		return new SessionMeta(null, workspace, agent, id, null, null, "title " + id, "prompt " + id, "/tmp/p", 3,
				"gpt-5,gpt-5-codex", T0, updated, "/h/" + id + ".jsonl", 100, 1234, 0, T0);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void storesAndReadsEveryColumn(TestDatabase database) {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		SessionMeta original = row("ws", "codex", "a", T0.plusSeconds(5));
		repository.save(original)
			.then(repository.findByWorkspaceAndAgentAndSessionId("ws", "codex", "a"))
			.as(StepVerifier::create)
			.assertNext(found -> {
				assertThat(found).usingRecursiveComparison().ignoringFields("id").isEqualTo(original);
				assertThat(found.id()).isNotNull();
				assertThat(found.modelList()).containsExactly("gpt-5", "gpt-5-codex");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void pagesNewestFirstWithAStableCursorEvenWhenTimesTie(TestDatabase database) {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		Flux.range(0, 7)
			.concatMap(i -> repository.save(row("ws", i % 2 == 0 ? "claude" : "codex", "s" + i, T0.plusSeconds(i / 2))))
			.then(repository.save(row("other", "claude", "x", T0.plusSeconds(99))))
			.block(Duration.ofSeconds(10));

		List<SessionMeta> first = repository.page("ws", ALL, Instant.parse("9999-12-31T00:00:00Z"), Long.MAX_VALUE, 3)
			.collectList().block(Duration.ofSeconds(10));
		assertThat(first).extracting(SessionMeta::sessionId).containsExactly("s6", "s5", "s4");
		SessionMeta last = first.get(2);
		List<SessionMeta> second = repository.page("ws", ALL, last.updatedAt(), last.id(), 10)
			.collectList().block(Duration.ofSeconds(10));
		assertThat(second).extracting(SessionMeta::sessionId).containsExactly("s3", "s2", "s1", "s0");

		repository.page("ws", List.of("codex"), Instant.parse("9999-12-31T00:00:00Z"), Long.MAX_VALUE, 10)
			.map(SessionMeta::sessionId)
			.as(StepVerifier::create)
			.expectNext("s5", "s3", "s1")
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void aRefreshedSummaryKeepsTheUsersNameAndLastAccess(TestDatabase database) {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		long id = repository.save(row("ws", "claude", "a", T0)).block(Duration.ofSeconds(10)).id();
		repository.rename(id, "My session")
			.then(repository.touch(id, T0.plusSeconds(60)))
			.then(repository.updateSummary(id, null, "new prompt", null, 9, "", null, T0.plusSeconds(30), "/h/a.jsonl", 500,
					999, 2, T0.plusSeconds(31)))
			.then(repository.findById(id))
			.as(StepVerifier::create)
			.assertNext(found -> {
				assertThat(found.name()).isEqualTo("My session");
				assertThat(found.lastAccessedAt()).isEqualTo(T0.plusSeconds(60));
				assertThat(found.title()).isNull();
				assertThat(found.messageCount()).isEqualTo(9);
				assertThat(found.sourceSize()).isEqualTo(500);
				assertThat(found.parseErrors()).isEqualTo(2);
				assertThat(found.modelList()).isEmpty();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		repository.rename(id, null).then(repository.findById(id))
			.as(StepVerifier::create)
			.assertNext(found -> assertThat(found.name()).isNull())
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void listsRecentlyAccessedSessionsAcrossWorkspaces(TestDatabase database) {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		long a = repository.save(row("one", "claude", "a", T0)).block(Duration.ofSeconds(10)).id();
		long b = repository.save(row("two", "codex", "b", T0)).block(Duration.ofSeconds(10)).id();
		repository.save(row("two", "codex", "never", T0)).block(Duration.ofSeconds(10));
		repository.touch(a, T0.plusSeconds(10))
			.then(repository.touch(b, T0.plusSeconds(20)))
			.thenMany(repository.recent(10).map(SessionMeta::sessionId))
			.as(StepVerifier::create)
			.expectNext("b", "a")
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void refusesTheSameSessionTwiceInAWorkspace(TestDatabase database) {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		repository.save(row("ws", "claude", "a", T0)).block(Duration.ofSeconds(10));
		repository.save(row("ws", "claude", "a", T0))
			.as(StepVerifier::create)
			.expectError(DataIntegrityViolationException.class)
			.verify(Duration.ofSeconds(10));
	}

}
