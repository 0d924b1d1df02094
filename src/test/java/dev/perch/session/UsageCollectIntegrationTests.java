package dev.perch.session;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.perch.session.internal.CollectionReport;
import dev.perch.session.internal.CollectionRunningException;
import dev.perch.session.internal.UsageCollector;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage collector end to end on the real Claude Code, Codex and OpenCode files: what it records must
 * equal the ground truth of {@code fixtures/agents/EXPECTED.md} token for token. Its own application
 * context (a property of its own), so no other test's workspaces hold copies of the same transcripts:
 * dedupe keys are global, and a copy in another workspace would take the credit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "perch.usage.collect.interval=1h")
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class UsageCollectIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String DAY = "from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z&tz=UTC&interval=day";

	/** The workspace holding the real transcripts, collected once for the class (their keys are global). */
	private static String corpus;

	private static CollectionReport first;

	@Autowired
	WebTestClient web;

	@Autowired
	UsageCollector collector;

	@BeforeEach
	void corpusCollectedOnce() {
		if (corpus == null) {
			String name = workspace();
			SessionFixtures.home(create(name));
			first = collect("?workspace=" + name);
			corpus = name;
		}
	}

	@Test
	void firstCollectionRecordsEveryRequestOnce() {
		assertThat(first.workspaces()).singleElement().satisfies(done -> {
			assertThat(done.status()).isEqualTo(CollectionReport.Status.COLLECTED);
			assertThat(done.entries()).isEqualTo(12 + 7 + 4);
			assertThat(done.recorded()).isEqualTo(23);
			assertThat(done.duplicates()).isZero();
			assertThat(done.error()).isNull();
		});
	}

	@Test
	void collectedTokensEqualTheGroundTruthPerDayAndModel() {
		Map<String, Map<String, Object>> rows = rowsByModel(summary("&groupBy=agent,model&workspace=" + corpus));
		// Claude: ccusage daily agrees with the ground truth per day and model (cache_create = 5m + 1h)
		assertTokens(rows.get("claude-sonnet-4-5-20250929"), 28, 618, 68900, 3200, 0, 0);
		assertTokens(rows.get("claude-haiku-4-5-20251001"), 9, 377, 43000, 2100, 1000, 0);
		assertTokens(rows.get("claude-haiku-5-5"), 9, 88, 0, 600, 0, 0);
		assertTokens(rows.get("claude-opus-5-5"), 22, 65, 0, 2200, 0, 0);
		// Codex: input is non-cached input (ccusage's inputTokens), reasoning is inside output
		assertTokens(rows.get("gpt-5"), 8700, 240, 7900, 0, 0, 30);
		assertTokens(rows.get("gpt-5-codex"), 2400, 180, 11700, 0, 0, 46);
		assertTokens(rows.get("gpt-5-mini"), 5100, 350, 8200, 0, 0, 70);
		// OpenCode: 4 assistant messages of 100 in / 20 out, cost as reported
		assertTokens(rows.get("fake-model"), 400, 80, 0, 0, 0, 0);
		assertThat(rows).hasSize(8);
		assertThat(rows.get("claude-sonnet-4-5-20250929")).containsEntry("agent", "claude").containsEntry("requests", 7);
		assertThat(rows.get("gpt-5-mini")).containsEntry("agent", "codex");
	}

	@Test
	void pricesLikeCcusageButLeavesUnknownModelsUnpricedInsteadOfFree() {
		Map<String, Object> summary = summary("&groupBy=agent,model&workspace=" + corpus);
		Map<String, Map<String, Object>> rows = rowsByModel(summary);
		// same prices as ccusage 20.0.24; haiku-4-5's 1,000 1h cache writes at the 1h rate ($2/M, not $1.25/M)
		assertThat(cost(rows.get("claude-sonnet-4-5-20250929"))).isEqualByComparingTo("0.042024");
		assertThat(cost(rows.get("claude-haiku-4-5-20251001"))).isEqualByComparingTo("0.010819");
		assertThat(cost(rows.get("gpt-5")).add(cost(rows.get("gpt-5-codex"))).add(cost(rows.get("gpt-5-mini"))))
			.isEqualByComparingTo("0.022705");
		assertThat(cost(rows.get("fake-model"))).isEqualByComparingTo("0.00056");
		// ccusage prices claude-opus-5-5 and claude-haiku-5-5 at 0 (missingPricing); Perch leaves them unpriced
		assertThat(rows.get("claude-opus-5-5")).containsEntry("cost", null).containsEntry("unpricedRequests", 2);
		assertThat(rows.get("claude-haiku-5-5")).containsEntry("cost", null).containsEntry("unpricedRequests", 1);
		@SuppressWarnings("unchecked")
		Map<String, Object> totals = (Map<String, Object>) summary.get("totals");
		assertThat((List<Object>) totals.get("unpricedModels")).containsExactlyInAnyOrder("claude-haiku-5-5", "claude-opus-5-5");
		assertThat(cost(totals)).isEqualByComparingTo("0.076108"); // 0.052843 + 0.022705 + 0.00056 reported
	}

	@Test
	void creditsAForksCopiedMessagesToTheSessionThatMadeThemUnlikeCcusage() {
		// ccusage credits all 4 of a183c2e9's messages to the fork 38c853e4 (20/438/1750/37700)
		List<Map<String, Object>> parent = records(CLAUDE_TOOLS);
		assertThat(parent).hasSize(4);
		assertThat(sum(parent, "input")).isEqualTo(14);
		assertThat(sum(parent, "output")).isEqualTo(408);
		assertThat(sum(parent, "cacheWrite5m")).isEqualTo(1700);
		assertThat(sum(parent, "cacheRead")).isEqualTo(27800);
		List<Map<String, Object>> fork = records(CLAUDE_FORK);
		assertThat(fork).hasSize(1);
		assertThat(fork.get(0)).containsEntry("input", 6).containsEntry("output", 30)
			.containsEntry("cacheWrite5m", 50).containsEntry("cacheRead", 9900);
		// a subagent's requests count toward its parent session
		assertThat(records(CLAUDE_SUBAGENT)).extracting(record -> record.get("model"))
			.containsExactlyInAnyOrder("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", "claude-haiku-5-5");
		assertThat(records(CLAUDE_SUBAGENT)).allSatisfy(record -> assertThat(record).containsEntry("source", "collector"));
	}

	@Test
	void recordsARequestWithoutAModelAsUnknownAndUnpricedNeverFree() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		Path file = transcript(workspace, session, 0);
		String nameless = assistant(session, 1).replace("\"model\":\"claude-sonnet-4-5-20250929\",", "");
		assertThat(nameless).doesNotContain("\"model\"");
		Files.writeString(file, nameless + "\n", StandardOpenOption.APPEND);

		assertThat(collect("?workspace=" + workspace).recorded()).isEqualTo(1);

		assertThat(records(session)).singleElement().satisfies(record -> assertThat(record)
			.containsEntry("model", "unknown").containsEntry("cost", null).containsEntry("output", 20));
	}

	@Test
	void collectingAgainRecordsNothingAndSkipsTheUnchangedWorkspace() {
		CollectionReport again = collect("?workspace=" + corpus);
		assertThat(again.workspacesSkipped()).isEqualTo(1);
		assertThat(again.workspacesScanned()).isZero();
		assertThat(again.recorded()).isZero();
		assertThat(again.workspaces()).singleElement()
			.satisfies(done -> assertThat(done.status()).isEqualTo(CollectionReport.Status.UNCHANGED));
		CollectionReport all = collect("");
		assertThat(report(all, corpus).status()).isEqualTo(CollectionReport.Status.UNCHANGED);
		assertThat(all.recorded()).isZero();
	}

	@Test
	void aCollectionAskedForAsSoonAsTheLastOneEndedIsNotToldOneIsRunning() {
		// asked for from the end signal itself: the running flag used to be cleared only after that signal,
		// so a client that collected again at once could get 409 collection-running
		CollectionReport second = collector.collectAll()
			.then(reactor.core.publisher.Mono.defer(collector::collectAll))
			.block(Duration.ofSeconds(60));

		assertThat(report(second, corpus).status()).isEqualTo(CollectionReport.Status.UNCHANGED);
	}

	@Test
	void rereadsOnlyTheWorkspaceWhoseFilesChangedAndRecordsOnlyTheNewRequest() throws IOException {
		String changing = workspace();
		String quiet = workspace();
		String session = UUID.randomUUID().toString();
		Path transcript = transcript(changing, session, 2);
		transcript(quiet, UUID.randomUUID().toString(), 1);
		CollectionReport before = collect("");
		assertThat(report(before, changing)).satisfies(done -> assertThat(done.recorded()).isEqualTo(2));
		assertThat(report(before, quiet)).satisfies(done -> assertThat(done.recorded()).isEqualTo(1));

		String appended = assistant(session, 3) + "\n";
		Files.writeString(transcript, appended, StandardOpenOption.APPEND);
		CollectionReport after = collect("");

		assertThat(report(after, changing)).satisfies(done -> {
			assertThat(done.status()).isEqualTo(CollectionReport.Status.COLLECTED);
			assertThat(done.filesRead()).isEqualTo(1);
			assertThat(done.bytesRead()).isEqualTo(appended.getBytes(StandardCharsets.UTF_8).length);
			assertThat(done.entries()).isEqualTo(1);
			assertThat(done.recorded()).isEqualTo(1);
			assertThat(done.duplicates()).isZero();
		});
		assertThat(report(after, quiet).status()).isEqualTo(CollectionReport.Status.UNCHANGED);
		assertThat(report(after, corpus).status()).isEqualTo(CollectionReport.Status.UNCHANGED);
		assertThat(after.recorded()).isEqualTo(1);
		assertThat(records(session)).hasSize(3);
	}

	@Test
	void collectsTheTurnsAppendedToACodexRolloutAsDeltasOfTheRememberedTotals() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		Path rollout = create(workspace).resolve(".codex/sessions/2026/11/20/rollout-2026-11-20T10-00-00-"
				+ UUID.randomUUID() + ".jsonl");
		Files.createDirectories(rollout.getParent());
		Files.writeString(rollout, codexMeta(session) + "\n" + codexTurn(session + "-t1", "gpt-5", 1)
				+ codexTotals(1, 5000, 3000, 120, 40) + codexTotals(2, 5000, 3000, 120, 40));
		assertThat(collect("?workspace=" + workspace).recorded()).isEqualTo(1);

		String appended = codexTurn(session + "-t2", "gpt-5-mini", 3) + codexTotals(4, 8000, 4500, 200, 50)
				+ codexTurn(session + "-t3", "gpt-5-mini", 5) + codexTotals(6, 9000, 5000, 260, 60);
		Files.writeString(rollout, appended, StandardOpenOption.APPEND);
		CollectionReport next = collect("?workspace=" + workspace);

		assertThat(next.workspaces()).singleElement().satisfies(done -> {
			assertThat(done.filesRead()).isEqualTo(1);
			assertThat(done.bytesRead()).isEqualTo(appended.getBytes(StandardCharsets.UTF_8).length);
			assertThat(done.entries()).isEqualTo(2);
			assertThat(done.recorded()).isEqualTo(2);
		});
		List<Map<String, Object>> records = records(session);
		assertThat(records).hasSize(3).allSatisfy(record -> assertThat(record).containsEntry("provider", "openai"));
		// newest first: the deltas of each cumulative total from the one before, the model of its turn
		assertThat(records.get(0)).containsEntry("model", "gpt-5-mini").containsEntry("input", 500)
			.containsEntry("cacheRead", 500).containsEntry("output", 60).containsEntry("reasoning", 10);
		assertThat(records.get(1)).containsEntry("model", "gpt-5-mini").containsEntry("input", 1500)
			.containsEntry("cacheRead", 1500).containsEntry("output", 80).containsEntry("reasoning", 10);
		assertThat(records.get(2)).containsEntry("model", "gpt-5").containsEntry("input", 2000);
	}

	@Test
	void keepsTheLargerTotalsOfAClaudeReplyWhoseLastLineCameInALaterCollection() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		Path transcript = transcript(workspace, session, 1); // msg_<session>_1 / req_1 with output 20
		assertThat(collect("?workspace=" + workspace).recorded()).isEqualTo(1);

		// the reply's last content block: same message and request id, the final output count
		Files.writeString(transcript, claudeAssistant(session, UUID.randomUUID().toString(), "msg_" + session + "_1",
				"req_1", "2026-11-20T10:01:05Z", "the rest", 10, 90) + "\n", StandardOpenOption.APPEND);
		CollectionReport larger = collect("?workspace=" + workspace);

		assertThat(larger.recorded()).isZero();
		assertThat(larger.updated()).isEqualTo(1);
		assertThat(records(session)).singleElement().satisfies(record -> assertThat(record)
			.containsEntry("output", 90).containsEntry("input", 10));

		// a copy with smaller totals (a resumed session repeating the line) changes nothing
		Files.writeString(transcript, assistant(session, 1) + "\n", StandardOpenOption.APPEND);
		CollectionReport smaller = collect("?workspace=" + workspace);

		assertThat(smaller.updated()).isZero();
		assertThat(smaller.duplicates()).isEqualTo(1);
		assertThat(records(session)).singleElement().satisfies(record -> assertThat(record).containsEntry("output", 90));
	}

	@Test
	void collectsAHalfWrittenLastLineOnceItIsComplete() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		Path transcript = transcript(workspace, session, 1);
		assertThat(collect("?workspace=" + workspace).recorded()).isEqualTo(1);
		String line = assistant(session, 2) + "\n";
		int half = line.length() / 2;
		Files.writeString(transcript, line.substring(0, half), StandardOpenOption.APPEND);

		CollectionReport whileWriting = collect("?workspace=" + workspace);
		assertThat(whileWriting.entries()).isZero();
		assertThat(records(session)).hasSize(1);

		Files.writeString(transcript, line.substring(half), StandardOpenOption.APPEND);
		CollectionReport written = collect("?workspace=" + workspace);

		assertThat(written.recorded()).isEqualTo(1);
		assertThat(written.bytesRead()).as("read from the start of the half line").isEqualTo(line.length());
		assertThat(records(session)).hasSize(2).first().satisfies(record -> assertThat(record).containsEntry("output", 20));
		assertThat(collect("?workspace=" + workspace).workspacesSkipped()).isEqualTo(1);
	}

	@Test
	void readsATruncatedOrReplacedTranscriptFromItsStartWithoutCountingTwice() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		Path transcript = transcript(workspace, session, 2);
		assertThat(collect("?workspace=" + workspace).recorded()).isEqualTo(2);
		List<String> lines = Files.readAllLines(transcript);

		// rewritten in place (same inode), longer than what was read, with a different head
		String rewritten = claudeUser(session, UUID.randomUUID().toString(), "/w", "2026-11-20T10:00:00Z", "another start")
				+ "\n" + lines.get(1) + "\n" + lines.get(2) + "\n" + assistant(session, 3) + "\n";
		Files.writeString(transcript, rewritten, StandardOpenOption.TRUNCATE_EXISTING);
		assertThat(collect("?workspace=" + workspace).workspaces()).singleElement().satisfies(done -> {
			assertThat(done.bytesRead()).isEqualTo(rewritten.length());
			assertThat(done.entries()).isEqualTo(3);
			assertThat(done.recorded()).isEqualTo(1);
			assertThat(done.duplicates()).isEqualTo(2);
		});

		// truncated below what was read
		Files.writeString(transcript, lines.get(0) + "\n" + lines.get(1) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
		assertThat(collect("?workspace=" + workspace).workspaces()).singleElement().satisfies(done -> {
			assertThat(done.entries()).isEqualTo(1);
			assertThat(done.duplicates()).isEqualTo(1);
			assertThat(done.recorded()).isZero();
		});

		// replaced by another file (a new inode) that starts with what was read: read whole all the same
		Path replacement = transcript.resolveSibling("replacement.tmp");
		String other = lines.get(0) + "\n" + lines.get(1) + "\n" + assistant(session, 4) + "\n";
		Files.writeString(replacement, other);
		Files.move(replacement, transcript, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		assertThat(collect("?workspace=" + workspace).workspaces()).singleElement().satisfies(done -> {
			assertThat(done.bytesRead()).isEqualTo(other.length());
			assertThat(done.recorded()).isEqualTo(1);
			assertThat(done.duplicates()).isEqualTo(1);
		});
		assertThat(records(session)).hasSize(4);
	}

	@Test
	void reportsAWorkspaceThatCannotBeReadAndCollectsTheOthers() throws IOException {
		String broken = workspace();
		Path database = create(broken).resolve(".local/share/opencode/opencode.db");
		Files.createDirectories(database.getParent());
		Files.writeString(database, "not a database");
		String fine = workspace();
		String session = UUID.randomUUID().toString();
		transcript(fine, session, 1);

		CollectionReport report = collect("");

		assertThat(report(report, broken)).satisfies(done -> {
			assertThat(done.status()).isEqualTo(CollectionReport.Status.FAILED);
			assertThat(done.error()).startsWith("could not collect");
		});
		assertThat(report.workspacesFailed()).isGreaterThanOrEqualTo(1);
		assertThat(report(report, fine).recorded()).isEqualTo(1);
		assertThat(records(session)).hasSize(1);
	}

	@Test
	void scheduledCollectionRecordsNothingWhileCollectionIsDisabled() throws IOException {
		String session = UUID.randomUUID().toString();
		transcript(workspace(), session, 1);

		collector.scheduled().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

		assertThat(records(session)).isEmpty();
	}

	@Test
	void scheduledCollectionRunsOnceEnabledThroughTheConfigurationApiWithoutARestart() throws IOException {
		String workspace = workspace();
		String session = UUID.randomUUID().toString();
		transcript(workspace, session, 1);
		config("{\"usage.collect.enabled\": true}");
		try {
			collector.scheduled()
				.as(StepVerifier::create)
				.assertNext(report -> assertThat(report(report, workspace).recorded()).isEqualTo(1))
				.expectComplete()
				.verify(TIMEOUT);
			// the interval (1h here) has not passed: the next tick does nothing
			collector.scheduled().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
		}
		finally {
			config("{\"usage.collect.enabled\": null}");
		}
		assertThat(records(session)).hasSize(1);
	}

	private void config(String patch) {
		client().patch().uri("/api/v1/config").contentType(MediaType.APPLICATION_JSON).bodyValue(patch).exchange()
			.expectStatus().isOk();
	}

	@Test
	void refusesASecondCollectionWhileOneRuns() {
		Mono.zip(collector.collectAll().materialize(), collector.collectAll().materialize())
			.as(StepVerifier::create)
			.assertNext(both -> {
				assertThat(both.getT1().isOnNext()).isTrue();
				assertThat(both.getT2().getThrowable()).isInstanceOf(CollectionRunningException.class);
			})
			.expectComplete()
			.verify(TIMEOUT);
		client().post().uri("/api/v1/usage/collect?workspace=no-such-workspace").exchange()
			.expectStatus().isNotFound();
	}

	@Test
	void requiresTheToken() {
		web.post().uri("/api/v1/usage/collect").exchange().expectStatus().isUnauthorized();
	}

	private WebTestClient client() {
		return web.mutate().defaultHeader("Authorization", "Bearer test-token").responseTimeout(TIMEOUT).build();
	}

	private String workspace() {
		return "c-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Path create(String name) {
		Map<?, ?> created = client().post().uri("/api/v1/workspaces")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "runtime", "local"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(Map.class).returnResult().getResponseBody();
		return Path.of((String) created.get("home"));
	}

	/** A Claude Code transcript with {@code requests} assistant replies in a new workspace. */
	private Path transcript(String workspace, String session, int requests) throws IOException {
		Path file = create(workspace).resolve(".claude/projects/-w/" + session + ".jsonl");
		Files.createDirectories(file.getParent());
		StringBuilder lines = new StringBuilder(claudeUser(session, UUID.randomUUID().toString(), "/w",
				"2026-11-20T10:00:00Z", "hello") + "\n");
		for (int i = 1; i <= requests; i++) {
			lines.append(assistant(session, i)).append('\n');
		}
		return Files.writeString(file, lines);
	}

	private static String assistant(String session, int n) {
		return claudeAssistant(session, UUID.randomUUID().toString(), "msg_" + session + "_" + n, "req_" + n,
				"2026-11-20T10:0" + n + ":00Z", "reply " + n, 10, 20);
	}

	private CollectionReport collect(String query) {
		return client().post().uri("/api/v1/usage/collect" + query).exchange()
			.expectStatus().isOk()
			.expectBody(CollectionReport.class).returnResult().getResponseBody();
	}

	private static CollectionReport.Workspace report(CollectionReport report, String workspace) {
		return report.workspaces().stream().filter(done -> done.name().equals(workspace)).findFirst().orElseThrow();
	}

	private Map<String, Object> summary(String query) {
		return client().get().uri("/api/v1/usage/summary?" + DAY + query).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> rowsByModel(Map<String, Object> summary) {
		Map<String, Map<String, Object>> byModel = new java.util.HashMap<>();
		for (Map<String, Object> row : (List<Map<String, Object>>) summary.get("rows")) {
			assertThat(byModel.put((String) row.get("model"), row)).as("one row per model").isNull();
			assertThat(row).containsEntry("period", "2026-11-25");
		}
		return byModel;
	}

	private List<Map<String, Object>> records(String session) {
		Map<String, Object> page = client().get().uri("/api/v1/usage/records?sessionId={s}&limit=1000", session)
			.exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
		return items;
	}

	private static long sum(List<Map<String, Object>> records, String field) {
		return records.stream().mapToLong(record -> ((Number) record.get(field)).longValue()).sum();
	}

	private static BigDecimal cost(Map<String, Object> row) {
		return new BigDecimal(String.valueOf(row.get("cost")));
	}

	private static void assertTokens(Map<String, Object> row, long input, long output, long cacheRead,
			long cacheWrite5m, long cacheWrite1h, long reasoning) {
		assertThat(row).as("a summary row").isNotNull();
		assertThat(((Number) row.get("input")).longValue()).as("input of %s", row.get("model")).isEqualTo(input);
		assertThat(((Number) row.get("output")).longValue()).as("output of %s", row.get("model")).isEqualTo(output);
		assertThat(((Number) row.get("cacheRead")).longValue()).as("cacheRead of %s", row.get("model")).isEqualTo(cacheRead);
		assertThat(((Number) row.get("cacheWrite5m")).longValue()).as("cacheWrite5m of %s", row.get("model"))
			.isEqualTo(cacheWrite5m);
		assertThat(((Number) row.get("cacheWrite1h")).longValue()).as("cacheWrite1h of %s", row.get("model"))
			.isEqualTo(cacheWrite1h);
		assertThat(((Number) row.get("reasoning")).longValue()).as("reasoning of %s", row.get("model")).isEqualTo(reasoning);
	}

}
