package dev.perch.session;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class SessionApiIntegrationTests {

	private static final String PROBLEMS = "https://perch.dev/problems/";

	@Autowired
	WebTestClient web;

	@LocalServerPort
	int port;

	private String workspace;

	private Path home;

	@BeforeEach
	void workspaceWithRealTranscripts() {
		workspace = "s-" + UUID.randomUUID().toString().substring(0, 8);
		Map<?, ?> created = client().post().uri("/api/v1/workspaces")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", workspace, "runtime", "local"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(Map.class).returnResult().getResponseBody();
		home = home(Path.of((String) created.get("home")));
	}

	private WebTestClient client() {
		return web.mutate().defaultHeader("Authorization", "Bearer test-token").build();
	}

	/** An absolute URI sent as written (no template encoding), for percent-encoded attacks. */
	private URI raw(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private String sessions() {
		return "/api/v1/workspaces/" + workspace + "/sessions";
	}

	@Test
	void listsEveryAgentsSessionsNewestFirstInCursorPages() {
		SessionPage first = client().get().uri(sessions() + "?limit=5").exchange()
			.expectStatus().isOk()
			.expectBody(SessionPage.class).returnResult().getResponseBody();
		assertThat(first.items()).hasSize(5);
		assertThat(first.nextCursor()).isNotNull();
		SessionPage rest = client().get().uri(sessions() + "?limit=50&cursor={c}", first.nextCursor()).exchange()
			.expectStatus().isOk()
			.expectBody(SessionPage.class).returnResult().getResponseBody();
		assertThat(rest.nextCursor()).isNull();
		List<AgentSession> all = new java.util.ArrayList<>(first.items());
		all.addAll(rest.items());
		assertThat(all).extracting(AgentSession::id).doesNotHaveDuplicates().hasSize(11);
		assertThat(all).extracting(AgentSession::updatedAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
		assertThat(all).extracting(AgentSession::agent).contains("claude", "codex", "opencode");
		AgentSession titled = all.stream().filter(s -> s.id().equals(CLAUDE_TITLED)).findFirst().orElseThrow();
		assertThat(titled.title()).isEqualTo("Beta refactor");
		assertThat(titled.projectDirectory()).isEqualTo(BETA);
		assertThat(titled.models()).containsExactly("claude-opus-5-5");

		client().get().uri(sessions() + "?agent=codex").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items.length()").isEqualTo(3);
	}

	@Test
	void getsRenamesAndRecordsAccessWithoutTouchingTheAgentsFiles() throws Exception {
		Path transcript = home.resolve(".claude/projects/-tmp-iso-work-proj-alpha/" + CLAUDE_TOOLS + ".jsonl");
		byte[] before = Files.readAllBytes(transcript);
		String session = sessions() + "/claude/" + CLAUDE_TOOLS;
		client().get().uri(session).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.messageCount").isEqualTo(8)
			.jsonPath("$.projectDirectory").isEqualTo(ALPHA)
			.jsonPath("$.title").value(title -> assertThat((String) title).startsWith("Read notes.txt"));
		client().patch().uri(session).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "  Notes run  "))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.name").isEqualTo("Notes run");
		client().post().uri(session + "/access").exchange().expectStatus().isOk();
		client().get().uri("/api/v1/sessions/recent?limit=5").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$[0].id").isEqualTo(CLAUDE_TOOLS)
			.jsonPath("$[0].workspace").isEqualTo(workspace)
			.jsonPath("$[0].name").isEqualTo("Notes run");
		client().patch().uri(session).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":null}")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.name").doesNotExist();
		assertThat(Files.readAllBytes(transcript)).isEqualTo(before);
	}

	@Test
	void pagesHistoryFromTheTailForEveryAgent() {
		MessagePage tail = client().get().uri(sessions() + "/claude/" + CLAUDE_TOOLS + "/messages?limit=3").exchange()
			.expectStatus().isOk()
			.expectBody(MessagePage.class).returnResult().getResponseBody();
		assertThat(tail.items()).extracting(SessionMessage::role).containsExactly("assistant", "user", "assistant");
		assertThat(tail.items().get(2).usage()).isEqualTo(new MessageUsage(5, 210, 9500, 400, 0, null));
		MessagePage older = client().get()
			.uri(sessions() + "/claude/" + CLAUDE_TOOLS + "/messages?limit=3&before={b}", tail.before()).exchange()
			.expectStatus().isOk()
			.expectBody(MessagePage.class).returnResult().getResponseBody();
		assertThat(older.items()).extracting(SessionMessage::role).containsExactly("tool", "assistant", "tool");

		client().get().uri(sessions() + "/codex/" + CODEX_RESUMED + "/messages").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items[-1:].parts[0].text").value(text -> assertThat(text.toString()).contains("Fake codex reply"));
		client().get().uri(sessions() + "/opencode/" + OPENCODE_ALPHA + "/messages?limit=1").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(1)
			.jsonPath("$.items[0].usage.cost").isEqualTo(0.00014)
			.jsonPath("$.before").isNotEmpty();
		client().get().uri(sessions() + "/claude/" + CLAUDE_TOOLS + "/messages?before=oops").exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-cursor");
	}

	@Test
	void searchesContentAsAFixedStringNeverARegexOrAShell() throws Exception {
		Path project = Files.createDirectories(home.resolve(".claude/projects/-w"));
		String id = "abcdefab-0000-4000-8000-000000000001";
		String tricky = "run $(rm -rf ~); `whoami` | grep -E '.*[a-z]+(x)?' && echo \"done\" \\ end";
		Files.write(project.resolve(id + ".jsonl"), List.of(claudeUser(id, "u1", "/w", "2026-11-25T03:00:00Z", tricky)));

		for (String literal : List.of("$(rm -rf ~);", "`WHOAMI`", ".*[a-z]+(x)?", "\"done\" \\ end")) {
			client().get().uri(sessions() + "/search?q={q}", literal).exchange()
				.expectStatus().isOk()
				.expectBody()
				.jsonPath("$.items.length()").isEqualTo(1)
				.jsonPath("$.items[0].id").isEqualTo(id)
				.jsonPath("$.items[0].snippet").value(snippet -> assertThat(snippet.toString()).containsIgnoringCase(
						literal.replace("\\\\", "\\")));
		}
		client().get().uri(sessions() + "/search?q={q}", "r.n $(").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(0)
			.jsonPath("$.truncated").isEqualTo(false)
			.jsonPath("$.sessionsSearched").isEqualTo(12)
			.jsonPath("$.sessionsTotal").isEqualTo(12);
		client().get().uri(sessions() + "/search?q={q}&agent=opencode", "hello from the fake llm").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items[*].agent").value(agents -> assertThat((List<Object>) agents).containsOnly("opencode"))
			.jsonPath("$.items.length()").isEqualTo(2);
		client().get().uri(sessions() + "/search?q={q}", "x".repeat(201)).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-search-query");
		client().get().uri(raw(sessions() + "/search?q=%20%20")).exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	void deletesFromEachAgentsStorage() {
		Path transcript = home.resolve(".claude/projects/-tmp-iso-work-beta-app-2/" + CLAUDE_SUBAGENT + ".jsonl");
		client().delete().uri(sessions() + "/claude/" + CLAUDE_SUBAGENT).exchange().expectStatus().isNoContent();
		assertThat(transcript).doesNotExist();
		assertThat(transcript.resolveSibling(CLAUDE_SUBAGENT)).doesNotExist();
		client().get().uri(sessions() + "/claude/" + CLAUDE_SUBAGENT).exchange().expectStatus().isNotFound();

		client().delete().uri(sessions() + "/codex/" + CODEX_SIMPLE).exchange().expectStatus().isNoContent();
		client().delete().uri(sessions() + "/opencode/" + OPENCODE_SECOND).exchange().expectStatus().isNoContent();
		client().get().uri(sessions() + "/opencode/" + OPENCODE_SECOND).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "session-not-found");
		client().get().uri(sessions()).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items.length()").isEqualTo(8);
	}

	@Test
	void answersBadInputWithProblems() {
		client().get().uri(sessions() + "?agent=gemini").exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-agent");
		client().get().uri(sessions() + "/gemini/" + CLAUDE_TOOLS).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-agent");
		client().get().uri(sessions() + "/claude/00000000-0000-4000-8000-000000000000").exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "session-not-found");
		client().get().uri(sessions() + "/claude/" + CODEX_SIMPLE).exchange().expectStatus().isNotFound();
		client().get().uri("/api/v1/workspaces/nope/sessions").exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "workspace-not-found");
		client().get().uri(sessions() + "?cursor={c}", "bm90IGEgY3Vyc29y").exchange()
			.expectStatus().isBadRequest();
		client().get().uri(sessions() + "?limit=0").exchange().expectStatus().isBadRequest();
		client().patch().uri(sessions() + "/claude/" + CLAUDE_TOOLS).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "x".repeat(201)))
			.exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	void refusesTraversalInSessionIds() {
		for (String raw : List.of("..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..", "%2E%2E",
				"a183c2e9-f757-4c44-86ba-8db91e909b09%2F..%2F..", "ses_x%00", "x;rm")) {
			for (String agent : List.of("claude", "codex", "opencode")) {
				// the security firewall may refuse first (400, empty body); whatever answers, nothing is read
				var result = client().get().uri(raw(sessions() + "/" + agent + "/" + raw + "/messages")).exchange()
					.expectStatus().value(status -> assertThat(status).as(agent + " " + raw).isIn(400, 404))
					.expectBody(String.class).returnResult();
				assertThat(String.valueOf(result.getResponseBody())).doesNotContain("root:");
			}
		}
		// ids that reach the session module are checked against each agent's format before any path is built
		for (String bad : List.of("passwd", "etc..passwd", "5B865700-26E3-47AA-9075-65318B85147C", "x rm -rf ~ $(id)",
				CLAUDE_TOOLS + ".jsonl", "ses_")) {
			for (String agent : List.of("claude", "codex", "opencode")) {
				client().get().uri(sessions() + "/" + agent + "/{id}", bad).exchange()
					.expectStatus().isBadRequest()
					.expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "invalid-session-id");
			}
		}
		client().delete().uri(sessions() + "/codex/{id}", "..").exchange().expectStatus().isBadRequest();
	}

	@Autowired
	AgentSessions agentSessions;

	@Test
	void exposesEveryAgentsDeduplicatedUsageToTheUsageCollector() {
		agentSessions.usage(workspace)
			.collectList()
			.as(reactor.test.StepVerifier::create)
			.assertNext(entries -> {
				assertThat(entries).extracting(UsageEntry::dedupeKey).doesNotHaveDuplicates();
				assertThat(entries).filteredOn(entry -> entry.agent() == Agent.CLAUDE).hasSize(12);
				assertThat(entries).filteredOn(entry -> entry.agent() == Agent.CODEX).hasSize(7);
				assertThat(entries).filteredOn(entry -> entry.agent() == Agent.OPENCODE).hasSize(4);
				assertThat(entries).allSatisfy(entry -> assertThat(entry.workspace()).isEqualTo(workspace));
				assertThat(entries.stream().mapToLong(UsageEntry::output).sum()).isEqualTo(1148 + 770 + 80);
			})
			.expectComplete()
			.verify(java.time.Duration.ofSeconds(30));
	}

	@Test
	void requiresTheToken() {
		web.get().uri(sessions()).exchange().expectStatus().isUnauthorized();
	}

}
