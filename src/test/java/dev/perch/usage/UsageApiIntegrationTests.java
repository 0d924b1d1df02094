package dev.perch.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("test")
class UsageApiIntegrationTests {

	private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private WebTestClient web;

	private WebTestClient api() {
		return web.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer test-token").build();
	}

	private static String record(String key, String at, String workspace, String model, long input, long output) {
		return """
				{"key":"%s","occurredAt":"%s","workspace":"%s","agent":"claude","model":"%s","provider":"anthropic",\
				"sessionId":"s-1","input":%d,"output":%d,"cacheRead":0,"cacheWrite5m":0,"cacheWrite1h":0,"reasoning":0}"""
			.formatted(key, at, workspace, model, input, output);
	}

	private Map<String, Object> post(String body, MediaType type, int status) {
		return api().post().uri("/api/v1/usage/records").contentType(type).bodyValue(body).exchange()
			.expectStatus().isEqualTo(status)
			.expectBody(MAP).returnResult().getResponseBody();
	}

	@Test
	void ingestsAnObjectAnArrayAndNdjsonAndAnswersHowManyWereNew() {
		String at = TODAY + "T08:00:00Z";
		assertThat(post(record("obj-1", at, "alpha", "gpt-5", 1, 1), MediaType.APPLICATION_JSON, 200))
			.containsEntry("received", 1).containsEntry("recorded", 1).containsEntry("duplicates", 0)
			.doesNotContainKey("updated");
		String array = "[" + record("arr-1", at, "alpha", "gpt-5", 1, 1) + "," + record("arr-2", at, "alpha", "gpt-5", 1, 1) + "]";
		assertThat(post(array, MediaType.APPLICATION_JSON, 200)).containsEntry("recorded", 2);
		String ndjson = record("nd-1", at, "alpha", "gpt-5", 1, 1) + "\n" + record("nd-2", at, "alpha", "gpt-5", 1, 1)
				+ "\n" + record("obj-1", at, "alpha", "gpt-5", 1, 1) + "\n";
		assertThat(post(ndjson, MediaType.APPLICATION_NDJSON, 200)).containsEntry("received", 3)
			.containsEntry("recorded", 2)
			.containsEntry("duplicates", 1);

		assertThat(post(array, MediaType.APPLICATION_JSON, 200)).as("re-posting changes nothing")
			.containsEntry("recorded", 0).containsEntry("duplicates", 2);
	}

	@Test
	@SuppressWarnings("unchecked")
	void rejectsABadBatchWholeWithTheIndexAndReasonOfEveryBadRecord() {
		String at = TODAY + "T08:00:00Z";
		String batch = "[" + record("bad-ok", at, "bad-ws", "gpt-5", 1, 1) + ","
				+ record("bad-neg", at, "bad-ws", "gpt-5", -5, 1) + ","
				+ "{\"key\":\"bad-extra\",\"occurredAt\":\"" + at + "\",\"workspace\":\"bad-ws\",\"agent\":\"claude\","
				+ "\"model\":\"gpt-5\",\"prompt\":\"secret text\"}," + "{\"key\":\"bad-type\",\"occurredAt\":\"yesterday\","
				+ "\"workspace\":\"bad-ws\",\"agent\":\"claude\",\"model\":\"gpt-5\",\"output\":1.5}, 42]";

		Map<String, Object> problem = post(batch, MediaType.APPLICATION_JSON, 400);

		assertThat(problem).containsEntry("type", "https://perch.dev/problems/invalid-usage-records");
		List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
		assertThat(errors).extracting(e -> e.get("index"), e -> e.get("field"), e -> e.get("reason"))
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1, "input", "negative"),
					org.assertj.core.groups.Tuple.tuple(2, "prompt", "unknown-field"),
					org.assertj.core.groups.Tuple.tuple(3, "occurredAt", "wrong-type"),
					org.assertj.core.groups.Tuple.tuple(3, "output", "wrong-type"),
					org.assertj.core.groups.Tuple.tuple(4, "record", "not-an-object"));
		api().get().uri("/api/v1/usage/records?workspace=bad-ws").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.items.length()").isEqualTo(0);
	}

	@Test
	void answersMalformedJsonWithAProblem() {
		assertThat(post("[{\"key\":", MediaType.APPLICATION_JSON, 400)).containsEntry("status", 400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void summarizesByDayAndModelInTheRequestedZoneWithUnpricedModels() {
		// 23:30 UTC on Nov 1 is already Nov 2 in Tokyo
		post("[" + record("sum-1", "2026-11-01T23:30:00Z", "sum-ws", "claude-sonnet-4-5-20250929", 1000, 100) + ","
				+ record("sum-2", "2026-11-01T10:00:00Z", "sum-ws", "claude-sonnet-4-5-20250929", 1000, 100) + ","
				+ record("sum-3", "2026-11-01T10:00:00Z", "sum-ws", "claude-opus-5-5", 7, 7) + "]",
				MediaType.APPLICATION_JSON, 200);

		Map<String, Object> summary = api().get()
			.uri("/api/v1/usage/summary?from=2026-11-01&to=2026-11-03&tz=Asia/Tokyo&interval=day&groupBy=model&workspace=sum-ws")
			.exchange()
			.expectStatus().isOk()
			.expectBody(MAP).returnResult().getResponseBody();

		assertThat(summary).containsEntry("timeZone", "Asia/Tokyo").containsEntry("interval", "day");
		Map<String, Object> totals = (Map<String, Object>) summary.get("totals");
		assertThat(totals).containsEntry("requests", 3).containsEntry("input", 2007)
			.containsEntry("unpricedModels", List.of("claude-opus-5-5"));
		assertThat(((Number) totals.get("cost")).doubleValue()).isEqualTo(0.009);
		List<Map<String, Object>> rows = (List<Map<String, Object>>) summary.get("rows");
		assertThat(rows).extracting(r -> r.get("period"), r -> r.get("model"), r -> r.get("requests"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("2026-11-01", "claude-opus-5-5", 1),
					org.assertj.core.groups.Tuple.tuple("2026-11-01", "claude-sonnet-4-5-20250929", 1),
					org.assertj.core.groups.Tuple.tuple("2026-11-02", "claude-sonnet-4-5-20250929", 1));
		assertThat(rows.get(0)).containsEntry("cost", null).containsEntry("unpricedModels", List.of("claude-opus-5-5"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void answersInvalidSummaryParametersWithOneProblemNamingEach() {
		Map<String, Object> problem = api().get()
			.uri("/api/v1/usage/summary?tz=Mars/Olympus&interval=year&groupBy=session")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody(MAP).returnResult().getResponseBody();

		assertThat(problem).containsEntry("type", "https://perch.dev/problems/invalid-usage-query");
		assertThat((List<Map<String, Object>>) problem.get("errors")).extracting(e -> e.get("field"))
			.containsExactlyInAnyOrder("tz", "interval", "groupBy");
		api().get().uri("/api/v1/usage/summary?from=2026-11-05&to=2026-11-01").exchange().expectStatus().isBadRequest();
		api().get().uri("/api/v1/usage/summary?from=2000-01-01&to=2026-11-01&interval=day").exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	@SuppressWarnings("unchecked")
	void pagesRecordsWithAnOpaqueCursor() {
		StringBuilder ndjson = new StringBuilder();
		for (int i = 0; i < 5; i++) {
			ndjson.append(record("page-" + i, "2026-11-0" + (i + 1) + "T10:00:00Z", "page-ws", "gpt-5", i, 1)).append('\n');
		}
		post(ndjson.toString(), MediaType.APPLICATION_NDJSON, 200);

		Map<String, Object> first = api().get().uri("/api/v1/usage/records?workspace=page-ws&limit=3").exchange()
			.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
		assertThat((List<Map<String, Object>>) first.get("items")).extracting(r -> r.get("key"))
			.containsExactly("page-4", "page-3", "page-2");
		Map<String, Object> second = api().get()
			.uri("/api/v1/usage/records?workspace=page-ws&limit=3&cursor={c}", first.get("nextCursor")).exchange()
			.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
		assertThat((List<Map<String, Object>>) second.get("items")).extracting(r -> r.get("key"))
			.containsExactly("page-1", "page-0");
		assertThat(second).doesNotContainKey("nextCursor");

		api().get().uri("/api/v1/usage/records?cursor=not-a-cursor").exchange().expectStatus().isBadRequest();
	}

	@Test
	void exportsCsvAndNdjson() {
		post(record("csv-1", "2026-11-03T10:00:00Z", "csv-ws", "my,model", 3, 4), MediaType.APPLICATION_JSON, 200);

		String csv = api().get().uri("/api/v1/usage/export?format=csv&workspace=csv-ws").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("text/csv")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(csv).startsWith("occurred_at,key,workspace,agent,model,")
			.contains("2026-11-03T10:00:00Z,csv-1,csv-ws,claude,\"my,model\",anthropic,s-1,3,4,0,0,0,0,,,");

		String ndjson = api().get().uri("/api/v1/usage/export?format=ndjson&workspace=csv-ws").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(ndjson.strip().split("\n")).hasSize(1);
		assertThat(ndjson).contains("\"key\":\"csv-1\"").contains("\"cost\":null");

		api().get().uri("/api/v1/usage/export?format=xlsx").exchange().expectStatus().isBadRequest();
	}

	@Test
	@SuppressWarnings("unchecked")
	void showsThePriceTableAndPricesLaterRecordsWithAnOverride() {
		Map<String, Object> table = api().get().uri("/api/v1/pricing").exchange()
			.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
		assertThat(table).containsKeys("source", "retrieved");
		assertThat((List<Map<String, Object>>) table.get("prices")).extracting(p -> p.get("model"))
			.contains("(anthropic/)?claude-sonnet-4-5([-@]\\d{8})?");

		api().put().uri("/api/v1/pricing/{model}", "house-model")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"effectiveFrom\":\"2026-01-01T00:00:00Z\",\"input\":2,\"output\":10}")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.cacheRead").isEqualTo(2).jsonPath("$.source").isEqualTo("override");
		post(record("house-1", "2026-11-03T10:00:00Z", "house-ws", "house-model", 1_000_000, 100_000) + "\n"
				+ record("house-0", "2025-11-03T10:00:00Z", "house-ws", "house-model", 1_000_000, 100_000),
				MediaType.APPLICATION_NDJSON, 200);

		Map<String, Object> page = api().get().uri("/api/v1/usage/records?workspace=house-ws").exchange()
			.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
		assertThat((List<Map<String, Object>>) page.get("items"))
			.extracting(r -> r.get("key"), r -> r.get("cost"), r -> r.get("costSource"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("house-1", 3, "calculated"),
					org.assertj.core.groups.Tuple.tuple("house-0", null, null));
	}

	@Test
	void refusesInvalidPriceOverrides() {
		api().put().uri("/api/v1/pricing/{model}", "m1").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\":-1,\"output\":10}").exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("https://perch.dev/problems/invalid-model-price")
			.jsonPath("$.errors[0].field").isEqualTo("input");
		api().put().uri("/api/v1/pricing/{model}", "m1").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"input\":1,\"output\":10,\"discount\":5}").exchange()
			.expectStatus().isBadRequest();
		api().put().uri("/api/v1/pricing/{model}", "(unclosed").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"match\":\"pattern\",\"input\":1,\"output\":10}").exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	void listsUsageSettingsInTheConfigurationApi() {
		api().get().uri("/api/v1/config").exchange()
			.expectStatus().isOk()
			.expectBody(String.class)
			.value(body -> assertThat(body).contains("usage.retention", "usage.time-zone", "usage.collect.enabled",
					"usage.collect.interval"));
	}

	@Test
	void countsRecordedTokensInLowCardinalityMetrics() {
		post(record("metric-1", Instant.now().toString(), "metric-ws", "gpt-5-mini", 500, 50), MediaType.APPLICATION_JSON,
				200);

		api().get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk()
			.expectBody(String.class)
			.value(body -> assertThat(body)
				.contains("perch_usage_tokens_total{agent=\"claude\",kind=\"input\",model=\"gpt-5-mini\"}")
				.doesNotContain("metric-ws"));
	}

}
