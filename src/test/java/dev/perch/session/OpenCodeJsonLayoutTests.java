package dev.perch.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.session.agent.opencode.OpenCodeReader;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenCode's storage before SQLite, on the files the real opencode-ai 1.1.65 wrote
 * ({@code fixtures/agents/opencode/json-1.1.65}), alone and next to a database.
 */
class OpenCodeJsonLayoutTests {

	@TempDir
	Path temp;

	private final OpenCodeReader reader = opencode();

	private Path home;

	@BeforeEach
	void newHome() {
		home = temp.resolve("home");
	}

	private SessionSource source(String id) throws IOException {
		return reader.sources(home).stream().filter(source -> source.id().equals(id)).findFirst().orElseThrow();
	}

	private Map<String, SessionSummary> summaries() throws IOException {
		return reader.summarize(home, reader.sources(home)).stream()
			.collect(Collectors.toMap(summary -> summary.source().id(), summary -> summary));
	}

	@Test
	void readsTheSessionsOfTheJsonLayout() throws IOException {
		openCodeJsonLayout(home);
		Map<String, SessionSummary> summaries = summaries();
		assertThat(summaries).containsOnlyKeys(OPENCODE_JSON_PING, OPENCODE_JSON_TOOL, OPENCODE_JSON_REPO);
		SessionSummary ping = summaries.get(OPENCODE_JSON_PING);
		assertThat(ping.title()).isEqualTo("Ping pong practice");
		assertThat(ping.firstPrompt()).isEqualTo("Say pong please [[fake:reply=pong]]");
		assertThat(ping.projectDirectory()).isEqualTo("/tmp/oc-old/wd/project");
		assertThat(ping.messageCount()).isEqualTo(4);
		assertThat(ping.models()).containsExactly("fake-model");
		assertThat(ping.parseErrors()).isZero();
		assertThat(ping.createdAt()).hasToString("2026-12-06T04:20:33.097Z");
		assertThat(ping.updatedAt()).hasToString("2026-12-06T04:20:37.813Z");
		assertThat(summaries.get(OPENCODE_JSON_TOOL).messageCount()).isEqualTo(3);
		assertThat(summaries.get(OPENCODE_JSON_REPO).projectDirectory()).isEqualTo("/tmp/oc-old/wd/app-repo");
	}

	@Test
	void pagesTheHistoryFromTheTailWithToolCallsAndUsage() throws IOException {
		openCodeJsonLayout(home);
		List<SessionMessage> all = reader.messages(home, source(OPENCODE_JSON_TOOL), 100, null).items();
		assertThat(all).extracting(SessionMessage::role).containsExactly("user", "assistant", "assistant");
		SessionMessage toolStep = all.get(1);
		assertThat(toolStep.parts()).extracting(MessagePart::type).containsExactly("tool_call", "tool_result");
		assertThat(toolStep.parts().get(0).tool()).isEqualTo("read");
		assertThat(toolStep.parts().get(1).text()).contains("hello file");
		assertThat(toolStep.usage()).isEqualTo(new MessageUsage(100, 20, 0, 0, 0, 0.00014));
		assertThat(all.get(2).parts()).extracting(MessagePart::text).containsExactly("Hello from the fake LLM.");
		List<SessionMessage> paged = new ArrayList<>();
		String before = null;
		do {
			MessagePage page = reader.messages(home, source(OPENCODE_JSON_TOOL), 1, before);
			assertThat(page.items()).hasSize(1);
			paged.addAll(0, page.items());
			before = page.before();
		}
		while (before != null);
		assertThat(paged).isEqualTo(all);
		assertThatThrownBy(() -> reader.messages(home, source(OPENCODE_JSON_TOOL), 1, "../../etc/passwd"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void usageIsOneEntryPerAssistantMessage() throws IOException {
		openCodeJsonLayout(home);
		List<UsageEntry> usage = reader.usage(home, "ws");
		assertThat(usage).hasSize(5).allSatisfy(entry -> assertThat(entry.model()).isEqualTo("fake-model"));
		assertThat(usage).filteredOn(entry -> entry.sessionId().equals(OPENCODE_JSON_REPO)).singleElement()
			.satisfies(entry -> {
				assertThat(entry.input()).isEqualTo(250);
				assertThat(entry.cost()).isEqualTo(0.00029);
			});
	}

	@Test
	void searchesPartsAndDeletesEveryFileOfTheSession() throws IOException {
		openCodeJsonLayout(home);
		assertThat(reader.search(home, source(OPENCODE_JSON_TOOL), "hello file")).hasValueSatisfying(
				snippet -> assertThat(snippet).contains("hello file"));
		assertThat(reader.search(home, source(OPENCODE_JSON_PING), "hello file")).isEmpty();
		reader.delete(home, source(OPENCODE_JSON_TOOL));
		assertThat(reader.sources(home)).extracting(SessionSource::id).containsExactlyInAnyOrder(OPENCODE_JSON_PING, OPENCODE_JSON_REPO);
		Path storage = home.resolve(".local/share/opencode/storage");
		assertThat(storage.resolve("message/" + OPENCODE_JSON_TOOL)).doesNotExist();
		assertThat(storage.resolve("part/msg_249951c26001S0zccDlIYFwIWR")).doesNotExist();
		assertThat(storage.resolve("part/msg_249950a39001PP2OFKhhW4NE4t")).exists();
		assertThat(reader.usage(home, "ws")).hasSize(3);
	}

	@Test
	void aSessionInTheDatabaseIsReadFromThereAndItsJsonCopyIgnored() throws IOException {
		openCodeMigratedDatabase(openCodeJsonLayout(home));
		List<SessionSource> sources = reader.sources(home);
		assertThat(sources).extracting(SessionSource::id)
			.containsExactlyInAnyOrder(OPENCODE_JSON_PING, OPENCODE_JSON_TOOL, OPENCODE_JSON_REPO);
		assertThat(sources).allSatisfy(source -> assertThat(source.file().getFileName()).hasToString("opencode.db"));
		assertThat(summaries().get(OPENCODE_JSON_PING).title()).isEqualTo("Ping pong practice");
		assertThat(reader.usage(home, "ws")).hasSize(5);
		reader.delete(home, source(OPENCODE_JSON_PING));
		assertThat(reader.sources(home)).extracting(SessionSource::id).containsExactlyInAnyOrder(OPENCODE_JSON_TOOL, OPENCODE_JSON_REPO);
		assertThat(home.resolve(".local/share/opencode/storage/session/global/" + OPENCODE_JSON_PING + ".json")).doesNotExist();
	}

	@Test
	void sessionsOnlyInJsonFilesAreListedNextToTheDatabase() throws IOException {
		openCodeJsonLayout(home(home));
		assertThat(reader.sources(home)).extracting(SessionSource::id).containsExactlyInAnyOrder(OPENCODE_ALPHA,
				OPENCODE_SECOND, OPENCODE_JSON_PING, OPENCODE_JSON_TOOL, OPENCODE_JSON_REPO);
		assertThat(reader.usage(home, "ws")).hasSize(4 + 5);
		assertThat(reader.usageFiles(home)).hasSize(2);
	}

	@Test
	void ignoresLinksAndFilesThatAreNotOpenCodeRecords() throws IOException {
		openCodeJsonLayout(home);
		Path global = home.resolve(".local/share/opencode/storage/session/global");
		Path outside = Files.writeString(temp.resolve("ses_outsideTheHome01.json"), "{\"id\":\"ses_outsideTheHome01\"}");
		Files.createSymbolicLink(global.resolve("ses_linkedOutOfHome1.json"), outside);
		Files.writeString(global.resolve("notes.txt"), "not a session");
		Files.writeString(home.resolve(".local/share/opencode/storage/message/" + OPENCODE_JSON_PING + "/msg_zzzzcorrupt.json"), "{\"role\":");
		assertThat(reader.sources(home)).extracting(SessionSource::id)
			.containsExactlyInAnyOrder(OPENCODE_JSON_PING, OPENCODE_JSON_TOOL, OPENCODE_JSON_REPO);
		assertThat(summaries().get(OPENCODE_JSON_PING).parseErrors()).isEqualTo(1);
	}

	@Test
	void deleteNeverReachesOutOfTheHomeThroughALinkedFolder() throws IOException {
		openCodeJsonLayout(home);
		Path storage = home.resolve(".local/share/opencode/storage");
		Path outside = Files.createDirectories(temp.resolve("outside"));
		Path victim = Files.writeString(outside.resolve(OPENCODE_JSON_PING + ".json"), "keep me");
		Files.createSymbolicLink(storage.resolve("session/linkedproject"), outside);
		Files.move(storage.resolve("session_diff"), temp.resolve("diffs"));
		Files.createSymbolicLink(storage.resolve("session_diff"), temp.resolve("diffs"));
		reader.delete(home, source(OPENCODE_JSON_PING));
		assertThat(victim).hasContent("keep me");
		assertThat(temp.resolve("diffs/" + OPENCODE_JSON_PING + ".json")).exists();
		assertThat(reader.sources(home)).extracting(SessionSource::id).doesNotContain(OPENCODE_JSON_PING);
	}

}
