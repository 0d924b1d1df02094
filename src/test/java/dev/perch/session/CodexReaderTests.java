package dev.perch.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.session.agent.codex.CodexReader;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;
import dev.perch.session.internal.UsageFile;
import dev.perch.session.internal.UsagePosition;
import dev.perch.session.internal.UsageRead;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodexReaderTests {

	@TempDir
	Path temp;

	private Path home;

	private final CodexReader reader = codex();

	@BeforeEach
	void copyFixtures() {
		home = home(temp.resolve("home"));
	}

	private Map<String, SessionSummary> summaries() throws IOException {
		return reader.summarize(home, reader.sources(home)).stream()
			.collect(Collectors.toMap(summary -> summary.source().id(), summary -> summary));
	}

	private SessionSource source(String id) throws IOException {
		return reader.sources(home).stream().filter(source -> source.id().equals(id)).findFirst().orElseThrow();
	}

	@Test
	void findsEveryRolloutByTheUuidInItsName() throws IOException {
		assertThat(reader.sources(home)).extracting(SessionSource::id)
			.containsExactly(CODEX_SIMPLE, CODEX_RESUMED, CODEX_TOOLS);
	}

	@Test
	void readsProjectFirstPromptAndEveryModelOfAResumedSession() throws IOException {
		SessionSummary resumed = summaries().get(CODEX_RESUMED);
		assertThat(resumed.projectDirectory()).isEqualTo(BETA);
		assertThat(resumed.firstPrompt()).startsWith("Run echo [[fake:");
		assertThat(resumed.models()).containsExactly("gpt-5", "gpt-5-codex");
		assertThat(resumed.messageCount()).isEqualTo(4);
		assertThat(resumed.createdAt()).hasToString("2026-11-25T00:12:26.102Z");
		assertThat(resumed.updatedAt()).hasToString("2026-11-25T00:12:26.874Z");
		assertThat(resumed.parseErrors()).isZero();
		assertThat(summaries().get(CODEX_SIMPLE).projectDirectory()).isEqualTo(ALPHA);
	}

	@Test
	void normalisesHistoryWithToolCallsAndPerResponseUsage() throws IOException {
		List<SessionMessage> messages = reader.messages(home, source(CODEX_TOOLS), 100, null).items();
		assertThat(messages).extracting(SessionMessage::role).containsExactly("user", "assistant", "assistant", "tool",
				"assistant", "assistant", "tool", "assistant", "assistant");
		assertThat(messages.get(0).parts().get(0).text()).startsWith("List files");
		MessagePart call = messages.get(2).parts().get(0);
		assertThat(call.type()).isEqualTo("tool_call");
		assertThat(call.tool()).isEqualTo("exec_command");
		assertThat(call.text()).contains("\"cmd\": \"ls\"");
		assertThat(messages.get(2).usage()).isEqualTo(new MessageUsage(4000, 70, 0, 0, 10, null));
		assertThat(messages.get(8).usage()).isEqualTo(new MessageUsage(600, 200, 4300, 0, 50, null));
	}

	@Test
	void pagesHistoryFromTheTail() throws IOException {
		List<SessionMessage> all = reader.messages(home, source(CODEX_TOOLS), 100, null).items();
		List<SessionMessage> paged = new ArrayList<>();
		String before = null;
		do {
			MessagePage page = reader.messages(home, source(CODEX_TOOLS), 4, before);
			paged.addAll(0, page.items());
			before = page.before();
		}
		while (before != null);
		assertThat(paged).isEqualTo(all);
		assertThatThrownBy(() -> reader.messages(home, source(CODEX_TOOLS), 4, "x")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void usagePerDayAndModelEqualsTheGroundTruthTokenForToken() throws IOException {
		assertThat(byModel(reader.usage(home, "ws"))).containsExactlyInAnyOrderEntriesOf(Map.of(
				"2026-11-25 gpt-5", List.of(8700L, 7900L, 240L, 30L),
				"2026-11-25 gpt-5-codex", List.of(2400L, 11700L, 180L, 46L),
				"2026-11-25 gpt-5-mini", List.of(5100L, 8200L, 350L, 70L)));
	}

	/** input (non-cached), cached, output (reasoning included), reasoning per "day model". */
	private static Map<String, List<Long>> byModel(List<UsageEntry> usage) {
		Map<String, List<Long>> byModel = new TreeMap<>();
		for (UsageEntry entry : usage) {
			String key = entry.occurredAt().toString().substring(0, 10) + " " + entry.model();
			List<Long> sums = byModel.computeIfAbsent(key, k -> new ArrayList<>(List.of(0L, 0L, 0L, 0L)));
			sums.set(0, sums.get(0) + entry.input());
			sums.set(1, sums.get(1) + entry.cacheRead());
			sums.set(2, sums.get(2) + entry.output());
			sums.set(3, sums.get(3) + entry.reasoning());
		}
		return byModel;
	}

	@Test
	void aForkThatCopiesItsParentsEventsAddsOnlyItsOwnTurns() throws IOException {
		Path parent = source(CODEX_SIMPLE).file();
		String forkId = "01a2100d-0000-7000-8000-000000000001";
		String copied = Files.readString(parent).replace("\"id\":\"" + CODEX_SIMPLE + "\"", "\"id\":\"" + forkId + "\"");
		String ownTurn = """
				{"timestamp":"2026-11-25T01:00:00.000Z","type":"turn_context","payload":{"turn_id":"fork-turn-1","cwd":"/tmp/iso/work/proj-alpha","model":"gpt-5-codex"}}
				{"timestamp":"2026-11-25T01:00:01.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":6000,"cached_input_tokens":3500,"output_tokens":150,"reasoning_output_tokens":40,"total_tokens":6150}}}}
				{"timestamp":"2026-11-25T01:00:01.500Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":6000,"cached_input_tokens":3500,"output_tokens":150,"reasoning_output_tokens":40,"total_tokens":6150}}}}
				""";
		Files.writeString(parent.resolveSibling("rollout-2026-11-25T01-00-00-" + forkId + ".jsonl"), copied + ownTurn,
				StandardCharsets.UTF_8);
		List<UsageEntry> usage = reader.usage(home, "ws");
		assertThat(usage).filteredOn(entry -> entry.sessionId().equals(forkId)).singleElement().satisfies(entry -> {
			assertThat(entry.input()).isEqualTo(500);
			assertThat(entry.cacheRead()).isEqualTo(500);
			assertThat(entry.output()).isEqualTo(30);
		});
		assertThat(byModel(usage).get("2026-11-25 gpt-5-codex")).containsExactly(2900L, 12200L, 210L, 46L);
	}

	@Test
	void readingOnFromTheReachedPositionsWhileTheAgentWritesGivesTheUsageOfOneRead() throws IOException {
		Map<String, UsageEntry> whole = new TreeMap<>();
		reader.usage(home, "ws").forEach(entry -> whole.put(entry.dedupeKey(), entry));
		assertThat(whole).hasSize(7);
		for (int parts : new int[] { 2, 3, 5, 11 }) {
			Map<String, UsageEntry> inSteps = readInSteps(reader, home, temp.resolve("steps-" + parts), parts);
			assertThat(new TreeMap<>(inSteps)).as("read in %d steps", parts).isEqualTo(whole);
		}
	}

	@Test
	void goesOnFromTheRememberedSessionModelAndCumulativeTotals() throws IOException {
		UsageFile file = usageFile(CODEX_RESUMED);
		UsageRead first = reader.usage(home, "ws", List.of(UsagePosition.start(file)));
		UsagePosition reached = first.reached().get(0);
		assertThat(reached.offset()).isEqualTo(file.size());
		assertThat(reached.state()).contains("\"previous\"");
		// the last cumulative totals of the fixture: in 25700, cached 16600, out 300, reasoning 36
		Files.writeString(file.file(), """
				{"timestamp":"2026-11-25T03:00:00.000Z","type":"turn_context","payload":{"turn_id":"appended-turn","model":"gpt-5-mini"}}
				{"timestamp":"2026-11-25T03:00:01.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":26700,"cached_input_tokens":17000,"output_tokens":350,"reasoning_output_tokens":40,"total_tokens":27050}}}}
				{"timestamp":"2026-11-25T03:00:02.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":26700,"cached_input_tokens":17000,"output_tokens":350,"reasoning_output_tokens":40,"total_tokens":27050}}}}
				""", StandardOpenOption.APPEND);
		UsageFile grown = usageFile(CODEX_RESUMED);

		UsageRead next = reader.usage(home, "ws", List.of(new UsagePosition(grown, reached.offset(), reached.state())));

		UsageEntry before = first.entries().get(first.entries().size() - 1);
		assertThat(next.entries()).singleElement().satisfies(entry -> {
			assertThat(entry.input()).isEqualTo(1000 - 400);
			assertThat(entry.cacheRead()).isEqualTo(400);
			assertThat(entry.output()).isEqualTo(50);
			assertThat(entry.reasoning()).isEqualTo(4);
			assertThat(entry.model()).isEqualTo("gpt-5-mini");
			assertThat(entry.sessionId()).isEqualTo(CODEX_RESUMED);
			assertThat(entry.provider()).isNotNull().isEqualTo(before.provider());
			assertThat(entry.dedupeKey()).isEqualTo("codex:appended-turn:27050:26700:350");
		});
		assertThat(next.reached().get(0).offset()).isEqualTo(grown.size());
	}

	@Test
	void readsFromTheStartWhenAnOffsetComesWithoutItsTotals() throws IOException {
		UsageFile file = usageFile(CODEX_RESUMED);
		UsageRead first = reader.usage(home, "ws", List.of(UsagePosition.start(file)));

		UsageRead again = reader.usage(home, "ws", List.of(new UsagePosition(file, first.reached().get(0).offset() / 2, null)));

		assertThat(again.entries()).isEqualTo(first.entries());
	}

	private UsageFile usageFile(String id) throws IOException {
		return reader.usageFiles(home).stream().filter(file -> file.file().toString().contains(id)).findFirst().orElseThrow();
	}

	@Test
	void aResumeAppendedWhileReadingIsPickedUpOnTheNextRead() throws IOException {
		SessionSource before = source(CODEX_SIMPLE);
		Files.writeString(before.file(), """
				{"timestamp":"2026-11-25T02:00:00.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"resumed question"}]}}
				{"timestamp":"2026-11-25T02:00:01.000Z","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"resumed ans""",
				StandardOpenOption.APPEND);
		SessionSource after = source(CODEX_SIMPLE);
		assertThat(after.size()).isGreaterThan(before.size());
		SessionSummary summary = reader.summarize(home, List.of(after)).get(0);
		assertThat(summary.messageCount()).isEqualTo(3);
		assertThat(summary.parseErrors()).isEqualTo(1);
		assertThat(reader.messages(home, after, 1, null).items()).singleElement()
			.satisfies(message -> assertThat(message.parts().get(0).text()).isEqualTo("resumed question"));
	}

	@Test
	void searchesTextNotJsonKeys() throws IOException {
		assertThat(reader.search(home, source(CODEX_SIMPLE), "say hello")).isPresent();
		assertThat(reader.search(home, source(CODEX_SIMPLE), "\"type\":\"message\"")).isEmpty();
		assertThat(reader.search(home, source(CODEX_SIMPLE), "fake codex reply")).isPresent();
	}

	@Test
	void deletesTheRollout() throws IOException {
		reader.delete(home, source(CODEX_TOOLS));
		assertThat(reader.sources(home)).extracting(SessionSource::id).doesNotContain(CODEX_TOOLS);
	}

}
