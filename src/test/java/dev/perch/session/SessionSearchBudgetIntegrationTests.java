package dev.perch.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.perch.session.SessionFixtures.home;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search with a byte budget smaller than one transcript: it searches the newest sessions up to and
 * including the first one with a transcript, then stops and says so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "perch.sessions.max-search-bytes=1B")
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class SessionSearchBudgetIntegrationTests {

	@Autowired
	WebTestClient web;

	@Test
	void stopsAtTheByteBudgetAndKeepsTheNewestSessions() {
		WebTestClient client = web.mutate().defaultHeader("Authorization", "Bearer test-token").build();
		String workspace = "b-" + UUID.randomUUID().toString().substring(0, 8);
		Map<?, ?> created = client.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", workspace, "runtime", "local")).exchange()
			.expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		home(Path.of((String) created.get("home")));
		String sessions = "/api/v1/workspaces/" + workspace + "/sessions";
		List<AgentSession> newestFirst = client.get().uri(sessions + "?limit=200").exchange()
			.expectStatus().isOk().expectBody(SessionPage.class).returnResult().getResponseBody().items();
		int searchable = 0;
		while (newestFirst.get(searchable).sizeBytes() == 0) {
			searchable++;
		}
		searchable++;
		assertThat(searchable).isLessThan(newestFirst.size());
		List<String> newest = newestFirst.subList(0, searchable).stream().map(AgentSession::id).toList();

		SearchResults nothing = client.get().uri(sessions + "/search?q={q}", "no session says this").exchange()
			.expectStatus().isOk().expectBody(SearchResults.class).returnResult().getResponseBody();
		assertThat(nothing.items()).isEmpty();
		assertThat(nothing.truncated()).isTrue();
		assertThat(nothing.sessionsSearched()).isEqualTo(searchable);
		assertThat(nothing.sessionsTotal()).isEqualTo(newestFirst.size());

		SearchResults common = client.get().uri(sessions + "/search?q={q}", "e").exchange()
			.expectStatus().isOk().expectBody(SearchResults.class).returnResult().getResponseBody();
		assertThat(common.items()).isNotEmpty().extracting(SearchHit::id).allMatch(newest::contains);
	}

}
