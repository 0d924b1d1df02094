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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.session.agent.claude.ClaudeReader;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;
import dev.perch.session.internal.UsageFile;
import dev.perch.session.internal.UsagePosition;
import dev.perch.session.internal.UsageRead;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaudeReaderTests {

	@TempDir
	Path temp;

	private Path home;

	private final ClaudeReader reader = claude();

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

	private List<SessionMessage> history(String id) throws IOException {
		return reader.messages(home, source(id), 1000, null).items();
	}

	@Test
	void findsEveryMainTranscriptButNoSubagentFileAsASession() throws IOException {
		assertThat(reader.sources(home)).extracting(SessionSource::id)
			.containsExactlyInAnyOrder(CLAUDE_SIMPLE, CLAUDE_TOOLS, CLAUDE_FORK, CLAUDE_HAIKU, CLAUDE_SUBAGENT, CLAUDE_TITLED);
	}

	@Test
	void takesTheProjectFromTheCwdFieldNotTheLossyFolderName() throws IOException {
		Map<String, SessionSummary> summaries = summaries();
		assertThat(summaries.get(CLAUDE_HAIKU).projectDirectory()).isEqualTo(BETA);
		assertThat(summaries.get(CLAUDE_SIMPLE).projectDirectory()).isEqualTo(ALPHA);
		assertThat(summaries.values()).allSatisfy(summary -> assertThat(summary.parseErrors()).isZero());
	}

	@Test
	void titlesComeFromCustomTitleRecordsElseTheFirstPrompt() throws IOException {
		Map<String, SessionSummary> summaries = summaries();
		assertThat(summaries.get(CLAUDE_TITLED).title()).isEqualTo("Beta refactor");
		assertThat(summaries.get(CLAUDE_SIMPLE).title()).isNull();
		assertThat(summaries.get(CLAUDE_SIMPLE).firstPrompt()).isEqualTo("Say hi [[fake: cw=1500;cr=0;in=12;out=40]]");
	}

	@Test
	void countsAnAssistantMessageWrittenOverSeveralLinesOnce() throws IOException {
		// 2 prompts + 2 tool results + 4 API messages (10 assistant lines)
		assertThat(summaries().get(CLAUDE_TOOLS).messageCount()).isEqualTo(8);
		List<SessionMessage> messages = history(CLAUDE_SIMPLE);
		assertThat(messages).extracting(SessionMessage::role).containsExactly("user", "assistant");
		SessionMessage reply = messages.get(1);
		assertThat(reply.id()).isEqualTo("msg_01f1a6bcc916113b1e239519");
		assertThat(reply.parts()).extracting(MessagePart::type).containsExactly("reasoning", "text");
		assertThat(reply.model()).isEqualTo("claude-opus-5-5");
		assertThat(reply.usage()).isEqualTo(new MessageUsage(12, 40, 0, 1500, 0, null));
	}

	@Test
	void summarisesToolCallsAndResults() throws IOException {
		List<SessionMessage> messages = history(CLAUDE_TOOLS);
		assertThat(messages).extracting(SessionMessage::role)
			.containsExactly("user", "assistant", "tool", "assistant", "tool", "assistant", "user", "assistant");
		MessagePart call = messages.get(1).parts().get(2);
		assertThat(call.type()).isEqualTo("tool_call");
		assertThat(call.tool()).isEqualTo("Read");
		assertThat(call.text()).contains("notes.txt");
		assertThat(messages.get(4).parts().get(0).type()).isEqualTo("tool_result");
		assertThat(messages.get(4).parts().get(0).text()).isEqualTo("hi");
	}

	@Test
	void aSubagentsMessagesBelongToItsParentsHistory() throws IOException {
		List<SessionMessage> messages = history(CLAUDE_SUBAGENT);
		assertThat(messages).filteredOn(message -> "a1a8799f31d3cf3ee".equals(message.agentId()))
			.extracting(SessionMessage::role)
			.containsExactly("user", "assistant");
		assertThat(summaries().get(CLAUDE_SUBAGENT).models())
			.containsExactly("claude-sonnet-4-5-20250929", "claude-haiku-5-5");
		// the subagent's messages sit between the Agent tool call and its result
		int call = indexOf(messages, "tool_call");
		int sub = messages.indexOf(messages.stream().filter(m -> m.agentId() != null).findFirst().orElseThrow());
		int result = indexOf(messages, "tool_result");
		assertThat(call).isLessThan(sub);
		assertThat(sub).isLessThan(result);
	}

	private static int indexOf(List<SessionMessage> messages, String partType) {
		for (int i = 0; i < messages.size(); i++) {
			if (messages.get(i).parts().stream().anyMatch(part -> part.type().equals(partType))) {
				return i;
			}
		}
		return -1;
	}

	@Test
	void aForkIsItsOwnSessionStartingWithItsParentsMessages() throws IOException {
		List<SessionMessage> parent = history(CLAUDE_TOOLS);
		List<SessionMessage> fork = history(CLAUDE_FORK);
		assertThat(fork.subList(0, parent.size())).extracting(SessionMessage::id)
			.containsExactlyElementsOf(parent.stream().map(SessionMessage::id).toList());
		assertThat(fork.get(parent.size()).parts().get(0).text()).startsWith("Fork this conversation");
	}

	@Test
	void pagesHistoryFromTheTailWithBeforeCursors() throws IOException {
		List<SessionMessage> all = history(CLAUDE_TOOLS);
		List<SessionMessage> paged = new ArrayList<>();
		String before = null;
		int pages = 0;
		do {
			MessagePage page = reader.messages(home, source(CLAUDE_TOOLS), 3, before);
			assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
			paged.addAll(0, page.items());
			before = page.before();
			pages++;
		}
		while (before != null);
		assertThat(pages).isEqualTo(3);
		assertThat(paged).isEqualTo(all);
	}

	@Test
	void pagesOfASessionWithASubagentTogetherHoldEveryMessageOnce() throws IOException {
		List<SessionMessage> all = history(CLAUDE_SUBAGENT);
		List<SessionMessage> paged = new ArrayList<>();
		String before = null;
		do {
			MessagePage page = reader.messages(home, source(CLAUDE_SUBAGENT), 2, before);
			paged.addAll(0, page.items());
			before = page.before();
		}
		while (before != null);
		assertThat(paged).containsExactlyInAnyOrderElementsOf(all);
	}

	@Test
	void rejectsACursorItDidNotGiveOut() {
		for (String bad : List.of("abc", "-1:", "999999999:", "0:", "12", "1:x", "../1:2")) {
			assertThatThrownBy(() -> reader.messages(home, source(CLAUDE_TOOLS), 3, bad))
				.as(bad)
				.isInstanceOf(IllegalArgumentException.class);
		}
	}

	@Test
	void usagePerDayAndModelEqualsTheGroundTruthTokenForToken() throws IOException {
		List<UsageEntry> usage = reader.usage(home, "ws");
		assertThat(usage).hasSize(12);
		Map<String, List<Long>> byModel = new TreeMap<>();
		for (UsageEntry entry : usage) {
			String key = entry.occurredAt().toString().substring(0, 10) + " " + entry.model();
			List<Long> sums = byModel.computeIfAbsent(key, k -> new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L)));
			sums.set(0, sums.get(0) + entry.input());
			sums.set(1, sums.get(1) + entry.output());
			sums.set(2, sums.get(2) + entry.cacheWrite5m());
			sums.set(3, sums.get(3) + entry.cacheWrite1h());
			sums.set(4, sums.get(4) + entry.cacheRead());
		}
		assertThat(byModel).containsExactlyInAnyOrderEntriesOf(Map.of(
				"2026-11-25 claude-sonnet-4-5-20250929", List.of(28L, 618L, 3200L, 0L, 68900L),
				"2026-11-25 claude-haiku-4-5-20251001", List.of(9L, 377L, 2100L, 1000L, 43000L),
				"2026-11-25 claude-haiku-5-5", List.of(9L, 88L, 600L, 0L, 0L),
				"2026-11-25 claude-opus-5-5", List.of(22L, 65L, 2200L, 0L, 0L)));
	}

	@Test
	void creditsAForksCopiedMessagesToTheSessionThatMadeTheRequest() throws IOException {
		Map<String, long[]> bySession = new TreeMap<>();
		for (UsageEntry entry : reader.usage(home, "ws")) {
			String key = entry.sessionId() + (entry.subagentId() == null ? "" : "/" + entry.subagentId());
			long[] sums = bySession.computeIfAbsent(key, k -> new long[4]);
			sums[0] += entry.input();
			sums[1] += entry.output();
			sums[2] += entry.cacheWrite5m() + entry.cacheWrite1h();
			sums[3] += entry.cacheRead();
		}
		assertThat(bySession.get(CLAUDE_TOOLS)).containsExactly(14, 408, 1700, 27800);
		assertThat(bySession.get(CLAUDE_FORK)).containsExactly(6, 30, 50, 9900);
		assertThat(bySession.get(CLAUDE_SIMPLE)).containsExactly(12, 40, 1500, 0);
		assertThat(bySession.get(CLAUDE_HAIKU)).containsExactly(9, 377, 3100, 43000);
		assertThat(bySession.get(CLAUDE_SUBAGENT)).containsExactly(8, 180, 1450, 31200);
		assertThat(bySession.get(CLAUDE_SUBAGENT + "/a1a8799f31d3cf3ee")).containsExactly(9, 88, 600, 0);
		assertThat(bySession.get(CLAUDE_TITLED)).containsExactly(10, 25, 700, 0);
	}

	@Test
	void keepsTheLargerTotalsWhenAMessageKeyRepeats() throws IOException {
		Path project = Files.createDirectories(temp.resolve("h2/.claude/projects/-w"));
		String id = "11111111-2222-4333-8444-555555555555";
		Files.write(project.resolve(id + ".jsonl"), List.of(
				claudeAssistant(id, "u1", "msg_1", "req_1", "2026-11-25T00:00:01Z", "partial", 5, 1),
				claudeAssistant(id, "u2", "msg_1", "req_1", "2026-11-25T00:00:02Z", "final", 5, 30)));
		List<UsageEntry> usage = reader.usage(temp.resolve("h2"), "ws");
		assertThat(usage).singleElement().satisfies(entry -> {
			assertThat(entry.output()).isEqualTo(30);
			assertThat(entry.dedupeKey()).isEqualTo("claude:msg_1:req_1");
			assertThat(entry.occurredAt()).hasToString("2026-11-25T00:00:01Z");
		});
	}

	@Test
	void readingOnFromTheReachedPositionsWhileTheAgentWritesGivesTheUsageOfOneRead() throws IOException {
		Map<String, UsageEntry> whole = new TreeMap<>();
		reader.usage(home, "ws").forEach(entry -> whole.put(entry.dedupeKey(), entry));
		for (int parts : new int[] { 2, 3, 7 }) {
			Map<String, UsageEntry> inSteps = readInSteps(reader, home, temp.resolve("steps-" + parts), parts);
			assertThat(new TreeMap<>(inSteps)).as("read in %d steps", parts).isEqualTo(whole);
		}
	}

	@Test
	void leavesAHalfWrittenLastLineForTheNextRead() throws IOException {
		Path project = Files.createDirectories(temp.resolve("h5/.claude/projects/-w"));
		String id = "11111111-2222-4333-8444-888888888888";
		Path file = project.resolve(id + ".jsonl");
		String first = claudeAssistant(id, "u1", "msg_1", "req_1", "2026-11-25T00:00:01Z", "one", 5, 10) + "\n";
		String second = claudeAssistant(id, "u2", "msg_2", "req_2", "2026-11-25T00:00:02Z", "two", 6, 20) + "\n";
		int cut = second.length() - 1; // all of the JSON object, not its newline
		Files.writeString(file, first + second.substring(0, cut));

		UsageRead read = reader.usage(temp.resolve("h5"), "ws", positions(temp.resolve("h5"), null));
		assertThat(read.entries()).extracting(UsageEntry::dedupeKey).containsExactly("claude:msg_1:req_1");
		assertThat(read.reached()).singleElement().satisfies(position -> assertThat(position.offset()).isEqualTo(first.length()));

		Files.writeString(file, second.substring(cut), StandardOpenOption.APPEND);
		UsageRead next = reader.usage(temp.resolve("h5"), "ws", positions(temp.resolve("h5"), read.reached().get(0)));
		assertThat(next.entries()).singleElement().satisfies(entry -> {
			assertThat(entry.dedupeKey()).isEqualTo("claude:msg_2:req_2");
			assertThat(entry.output()).isEqualTo(20);
		});
		assertThat(next.reached().get(0).offset()).isEqualTo(first.length() + second.length());
	}

	@Test
	void listsEachSubagentFileAsAUsageFileOfItsOwn() throws IOException {
		assertThat(reader.usageFiles(home)).extracting(file -> file.file().getFileName().toString())
			.hasSize(7)
			.contains(CLAUDE_SUBAGENT + ".jsonl", "agent-a1a8799f31d3cf3ee.jsonl");
	}

	/** The one usage file of {@code home}, read from the start or on from {@code last}. */
	private List<UsagePosition> positions(Path home, UsagePosition last) throws IOException {
		UsageFile now = reader.usageFiles(home).get(0);
		return List.of(last == null ? UsagePosition.start(now) : new UsagePosition(now, last.offset(), last.state()));
	}

	@Test
	void readsProjectsWhosePathsHaveDashesAndSpaces() throws IOException {
		Path spaced = temp.resolve("a home with spaces");
		String cwd = "/home/dev/my project-x/sub dir";
		Path project = Files.createDirectories(spaced.resolve(".claude/projects/-home-dev-my-project-x-sub-dir"));
		String id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
		Files.write(project.resolve(id + ".jsonl"), List.of(claudeUser(id, "u1", cwd, "2026-11-25T00:00:00Z", "hello there")));
		SessionSummary summary = reader.summarize(spaced, reader.sources(spaced)).get(0);
		assertThat(summary.projectDirectory()).isEqualTo(cwd);
		assertThat(summary.firstPrompt()).isEqualTo("hello there");
	}

	@Test
	void skipsAndCountsACorruptLineAndATruncatedLastLine() throws IOException {
		Path project = Files.createDirectories(temp.resolve("h3/.claude/projects/-w"));
		String id = "11111111-2222-4333-8444-666666666666";
		String good = claudeUser(id, "u1", "/w", "2026-11-25T00:00:00Z", "first");
		String reply = claudeAssistant(id, "u2", "msg_2", "req_2", "2026-11-25T00:00:01Z", "answer", 1, 2);
		String truncated = claudeUser(id, "u3", "/w", "2026-11-25T00:00:02Z", "second");
		Files.writeString(project.resolve(id + ".jsonl"), good + "\n{\"type\":\"user\",\"message\":{oops\n" + reply + "\n"
				+ truncated.substring(0, truncated.length() / 2), StandardCharsets.UTF_8);
		SessionSummary summary = reader.summarize(temp.resolve("h3"), reader.sources(temp.resolve("h3"))).get(0);
		assertThat(summary.parseErrors()).isEqualTo(2);
		assertThat(summary.messageCount()).isEqualTo(2);
		assertThat(reader.messages(temp.resolve("h3"), reader.sources(temp.resolve("h3")).get(0), 10, null).items())
			.extracting(SessionMessage::id)
			.containsExactly("u1", "msg_2");
	}

	@Test
	void readsConsistentlyWhileTheAgentKeepsAppending() throws Exception {
		Path project = Files.createDirectories(temp.resolve("h4/.claude/projects/-w"));
		String id = "11111111-2222-4333-8444-777777777777";
		Path file = project.resolve(id + ".jsonl");
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			lines.add(claudeUser(id, "u" + i, "/w", "2026-11-25T00:00:00Z", "prompt " + i));
		}
		Files.write(file, lines);
		AtomicBoolean stop = new AtomicBoolean();
		Thread writer = new Thread(() -> {
			int i = 0;
			while (!stop.get()) {
				String line = claudeUser(id, "w" + i++, "/w", "2026-11-25T00:00:01Z", "appended " + i);
				try {
					// written in two halves, as a running agent's buffered writes can land
					Files.writeString(file, line.substring(0, 40), StandardOpenOption.APPEND);
					Files.writeString(file, line.substring(40) + "\n", StandardOpenOption.APPEND);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		});
		writer.start();
		try {
			for (int round = 0; round < 20; round++) {
				SessionSource source = reader.sources(temp.resolve("h4")).get(0);
				SessionSummary summary = reader.summarize(temp.resolve("h4"), List.of(source)).get(0);
				assertThat(summary.messageCount()).isGreaterThanOrEqualTo(2000);
				assertThat(summary.parseErrors()).isLessThanOrEqualTo(1);
				MessagePage tail = reader.messages(temp.resolve("h4"), source, 50, null);
				assertThat(tail.items()).hasSizeBetween(49, 50);
			}
		}
		finally {
			stop.set(true);
			writer.join();
		}
	}

	@Test
	void ignoresTranscriptsBehindSymbolicLinksOutOfTheHome() throws IOException {
		Path outside = Files.createDirectories(temp.resolve("outside/-x"));
		String id = "11111111-2222-4333-8444-888888888888";
		Files.write(outside.resolve(id + ".jsonl"), List.of(claudeUser(id, "u1", "/x", "2026-11-25T00:00:00Z", "secret")));
		Path victim = Files.createDirectories(temp.resolve("h5/.claude/projects"));
		Files.createSymbolicLink(victim.resolve("-x"), outside);
		Path linkedFile = Files.createDirectories(victim.resolve("-y"));
		Files.createSymbolicLink(linkedFile.resolve("11111111-2222-4333-8444-999999999999.jsonl"), outside.resolve(id + ".jsonl"));
		assertThat(reader.sources(temp.resolve("h5"))).isEmpty();

		Path linkedRoot = Files.createDirectories(temp.resolve("h6"));
		Files.createSymbolicLink(linkedRoot.resolve(".claude"), temp.resolve("home/.claude"));
		assertThat(reader.sources(linkedRoot)).isEmpty();
	}

	@Test
	void refusesToOpenASourceOutsideTheHome() throws IOException {
		SessionSource outside = new SessionSource(CLAUDE_SIMPLE, home.resolve("../../etc/passwd"), 1, 1);
		assertThatThrownBy(() -> reader.messages(home, outside, 10, null)).isInstanceOf(java.nio.file.NoSuchFileException.class);
		assertThatThrownBy(() -> reader.delete(home, outside)).isInstanceOf(java.nio.file.NoSuchFileException.class);
	}

	@Test
	void validatesSessionIds() {
		assertThat(reader.isValidId(CLAUDE_SIMPLE)).isTrue();
		for (String bad : List.of("../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc", "5B865700-26E3-47AA-9075-65318B85147C",
				"5b865700-26e3-47aa-9075-65318b85147c.jsonl", "", "x")) {
			assertThat(reader.isValidId(bad)).as(bad).isFalse();
		}
	}

	@Test
	void deleteRemovesTheTranscriptAndItsSubagents() throws IOException {
		SessionSource source = source(CLAUDE_SUBAGENT);
		reader.delete(home, source);
		assertThat(source.file()).doesNotExist();
		assertThat(source.file().resolveSibling(CLAUDE_SUBAGENT)).doesNotExist();
		assertThat(reader.sources(home)).hasSize(5);
	}

	@Test
	void findsASnippetByFixedStringIgnoringCase() throws IOException {
		assertThat(reader.search(home, source(CLAUDE_SIMPLE), "say hi")).hasValueSatisfying(
				snippet -> assertThat(snippet).contains("Say hi"));
		assertThat(reader.search(home, source(CLAUDE_SIMPLE), "s.y hi")).isEmpty();
		assertThat(reader.search(home, source(CLAUDE_SIMPLE), "[[fake: cw=1500")).isPresent();
	}

}
