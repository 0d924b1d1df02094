package dev.perch.session.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.unit.DataSize;

import dev.perch.session.Agent;
import dev.perch.session.MessagePage;
import dev.perch.support.TestDatabase;
import reactor.core.publisher.Mono;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

class SessionIndexIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void readsAgainOnlySourcesWhoseSizeOrMtimeChangedAndKeepsTheUsersName(TestDatabase database) throws IOException {
		SessionMetaRepository repository = database.migrated().repository(SessionMetaRepository.class);
		Counting claude = new Counting(claude());
		SessionIndex index = new SessionIndex(List.of(claude, codex(), opencode()), repository,
				new SessionProperties(Duration.ofHours(1), DataSize.ofMegabytes(16), 200, 50, DataSize.ofMegabytes(256),
						Duration.ofSeconds(10)), Clock.systemUTC());
		Path home = home(temp.resolve("home"));

		index.refreshNow("ws", home).block(TIMEOUT);
		assertThat(claude.summarized.get()).isEqualTo(6);
		assertThat(repository.findByWorkspace("ws").count().block(TIMEOUT)).isEqualTo(11);

		index.refreshNow("ws", home).block(TIMEOUT);
		assertThat(claude.summarized.get()).as("nothing changed: nothing read").isEqualTo(6);

		SessionMeta row = repository.findByWorkspaceAndAgentAndSessionId("ws", "claude", CLAUDE_SIMPLE).block(TIMEOUT);
		repository.rename(row.id(), "kept").block(TIMEOUT);
		Path file = Path.of(row.sourcePath());
		Files.writeString(file, claudeUser(CLAUDE_SIMPLE, "extra", ALPHA, "2026-11-25T05:00:00Z", "one more") + "\n",
				StandardOpenOption.APPEND);
		index.refreshNow("ws", home).block(TIMEOUT);
		assertThat(claude.summarized.get()).as("one file changed: one read").isEqualTo(7);
		SessionMeta updated = repository.findById(row.id()).block(TIMEOUT);
		assertThat(updated.messageCount()).isEqualTo(row.messageCount() + 1);
		assertThat(updated.updatedAt()).hasToString("2026-11-25T05:00:00Z");
		assertThat(updated.name()).isEqualTo("kept");

		Files.delete(reader(codex(), home, CODEX_TOOLS));
		index.refreshNow("ws", home).block(TIMEOUT);
		assertThat(repository.findByWorkspaceAndAgentAndSessionId("ws", "codex", CODEX_TOOLS).block(TIMEOUT)).isNull();
		assertThat(repository.findByWorkspace("ws").count().block(TIMEOUT)).isEqualTo(10);

		int listed = claude.listed.get();
		index.indexed("ws", home).block(TIMEOUT);
		assertThat(claude.listed.get()).as("an indexed workspace is listed from the index").isEqualTo(listed);
		index.refreshKnown().block(TIMEOUT);
		assertThat(claude.listed.get()).as("the background refresh re-scans it").isEqualTo(listed + 1);
	}

	/** On H2 only: the test database's PostgreSQL factory opens a connection per statement (no pool). */
	@org.junit.jupiter.api.Test
	void indexesHundredsOfSessionsOfSeveralAgentsInOneRefresh() throws IOException {
		SessionMetaRepository repository = TestDatabase.H2.migrated().repository(SessionMetaRepository.class);
		SessionIndex index = new SessionIndex(List.of(claude(), codex(), opencode()), repository,
				SessionProperties.defaults(), Clock.systemUTC());
		Path home = temp.resolve("many");
		Path claudeFolder = Files.createDirectories(home.resolve(".claude/projects/-w"));
		Path codexFolder = Files.createDirectories(home.resolve(".codex/sessions/2026/11/25"));
		String first = "00000001-0000-4000-8000-000000000000";
		Files.writeString(claudeFolder.resolve(first + ".jsonl"), claudeUser(first, "u", "/w", "2026-11-25T00:00:00Z", "p") + "\n");
		for (int i = 0; i < 300; i++) {
			String codexId = String.format("%08x-0000-7000-8000-000000000000", i);
			Files.writeString(codexFolder.resolve("rollout-2026-11-25T00-00-00-" + codexId + ".jsonl"),
					"{\"timestamp\":\"2026-11-25T00:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"" + codexId
							+ "\",\"cwd\":\"/w\"}}\n");
		}
		// one agent's sources, then more of the next agent's than a groupBy buffer holds (256): this stalled once
		index.refreshNow("ws", home)
			.then(repository.findByWorkspace("ws").count())
			.as(reactor.test.StepVerifier::create)
			.expectNext(301L)
			.expectComplete()
			.verify(Duration.ofSeconds(60));
	}

	/**
	 * Every refresh asked for once the previous one has answered lists the sources again. The finished
	 * refresh used to stay the running one until after it had answered, so a refresh asked for at once
	 * could join it and list nothing (a CI run saw a deleted session stay in the index that way).
	 */
	@org.junit.jupiter.api.Test
	void aRefreshAskedForAsSoonAsTheLastOneEndedReadsAgain() throws IOException {
		SessionMetaRepository repository = TestDatabase.H2.migrated().repository(SessionMetaRepository.class);
		Counting claude = new Counting(claude());
		SessionIndex index = new SessionIndex(List.of(claude), repository, SessionProperties.defaults(), Clock.systemUTC());
		Path home = Files.createDirectories(temp.resolve("again"));

		// asked for from the end signal itself, on its thread: the moment the race needed a preempted thread for
		index.refreshNow("ws", home).then(Mono.defer(() -> index.refreshNow("ws", home))).block(TIMEOUT);

		assertThat(claude.listed.get()).isEqualTo(2);
	}

	private static Path reader(AgentReader reader, Path home, String id) throws IOException {
		return reader.sources(home).stream().filter(source -> source.id().equals(id)).findFirst().orElseThrow().file();
	}

	/** A reader that counts what it is asked to list and read. */
	private static final class Counting implements AgentReader {

		final AgentReader delegate;

		final AtomicInteger listed = new AtomicInteger();

		final AtomicInteger summarized = new AtomicInteger();

		Counting(AgentReader delegate) {
			this.delegate = delegate;
		}

		@Override
		public Agent agent() {
			return delegate.agent();
		}

		@Override
		public boolean isValidId(String id) {
			return delegate.isValidId(id);
		}

		@Override
		public List<SessionSource> sources(Path home) throws IOException {
			listed.incrementAndGet();
			return delegate.sources(home);
		}

		@Override
		public List<SessionSummary> summarize(Path home, List<SessionSource> sources) throws IOException {
			summarized.addAndGet(sources.size());
			return delegate.summarize(home, sources);
		}

		@Override
		public MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException {
			return delegate.messages(home, source, limit, before);
		}

		@Override
		public Optional<String> search(Path home, SessionSource source, String needle) throws IOException {
			return delegate.search(home, source, needle);
		}

		@Override
		public void delete(Path home, SessionSource source) throws IOException {
			delegate.delete(home, source);
		}

		@Override
		public List<UsageFile> usageFiles(Path home) throws IOException {
			return delegate.usageFiles(home);
		}

		@Override
		public UsageRead usage(Path home, String workspace, List<UsagePosition> from) throws IOException {
			return delegate.usage(home, workspace, from);
		}

	}

}
