package dev.perch.session.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.session.Agent;
import dev.perch.support.TestDatabase;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The collector's {@code usage_collection_file} table (V6) on H2 and PostgreSQL: how far each file was read. */
class CollectionFilesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Instant AT = Instant.parse("2026-11-25T02:00:00Z");

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void keepsWhereEachFileWasReadUpdatesItAndForgetsFilesThatAreGone(TestDatabase database) {
		CollectionFiles files = new CollectionFiles(DatabaseClient.create(database.migrated().connectionFactory()));
		CollectedFile codex = new CollectedFile(".codex/sessions/2026/11/25/rollout-a.jsonl", Agent.CODEX, 9000, 1764036000123L,
				"(dev=803,ino=42)", 8800, "a".repeat(64), "{\"sessionId\":\"s\",\"previous\":{\"input_tokens\":5000}}");
		CollectedFile claude = new CollectedFile(".claude/projects/-w/" + "x".repeat(3000) + ".jsonl", Agent.CLAUDE, 10, 1,
				null, 10, "b".repeat(64), null);
		List<CollectedFile> many = new ArrayList<>(List.of(codex, claude));
		for (int i = 0; i < CollectionFiles.INSERT_CHUNK + 50; i++) {
			many.add(new CollectedFile(".claude/projects/-w/s" + i + ".jsonl", Agent.CLAUDE, i, i, null, i, "c".repeat(64), null));
		}

		files.save("alpha", List.of(), many, List.of(), AT).as(StepVerifier::create).expectComplete().verify(TIMEOUT);
		files.save("beta", List.of(), List.of(codex), List.of(), AT).as(StepVerifier::create).expectComplete().verify(TIMEOUT);

		Map<String, CollectedFile> stored = files.find("alpha").block(TIMEOUT);
		assertThat(stored).hasSize(many.size());
		assertThat(stored.get(codex.path())).isEqualTo(codex);
		assertThat(stored.get(claude.path())).isEqualTo(claude);

		CollectedFile grown = new CollectedFile(codex.path(), Agent.CODEX, 12000, 1764036999000L, "(dev=803,ino=42)", 12000,
				"d".repeat(64), "{\"sessionId\":\"s\",\"previous\":{\"input_tokens\":7000}}");
		files.save("alpha", List.of(grown), List.of(codex), List.of(claude.path(), ".claude/projects/-w/s0.jsonl"), AT)
			.as(StepVerifier::create)
			.expectComplete()
			.verify(TIMEOUT);

		Map<String, CollectedFile> after = files.find("alpha").block(TIMEOUT);
		assertThat(after).hasSize(many.size() - 2).doesNotContainKeys(claude.path(), ".claude/projects/-w/s0.jsonl");
		assertThat(after.get(codex.path())).as("updated; the second insert of a known row changes nothing").isEqualTo(grown);
		assertThat(files.find("beta").block(TIMEOUT)).containsExactly(Map.entry(codex.path(), codex));
		files.find("gamma").as(StepVerifier::create).expectNext(Map.of()).expectComplete().verify(TIMEOUT);
	}

}
