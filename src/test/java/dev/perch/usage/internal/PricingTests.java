package dev.perch.usage.internal;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.perch.usage.Tokens;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped price table and the cost rules. The ccusage figures are from
 * shared/fixtures/agents/EXPECTED.md (ccusage 20.0.24 on real Claude Code and Codex transcripts).
 */
class PricingTests {

	private static final Instant AT = Instant.parse("2026-11-25T00:12:00Z");

	private static PriceTable shipped;

	@BeforeAll
	static void readThePriceFile() throws Exception {
		JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		try (InputStream in = PricingTests.class.getResourceAsStream("/pricing/prices.json")) {
			PriceFile file = json.readValue(in, PriceFile.class);
			assertThat(file.source()).containsIgnoringCase("anthropic").containsIgnoringCase("openai");
			assertThat(file.retrieved()).matches("\\d{4}-\\d{2}-\\d{2}");
			shipped = new PriceTable(Pricing.prices(file));
		}
	}

	private static BigDecimal cost(String model, long input, long output, long cacheRead, long cacheWrite5m,
			long cacheWrite1h) {
		return shipped.find(model, AT).orElseThrow().cost(new Tokens(input, output, cacheRead, cacheWrite5m, cacheWrite1h, 0));
	}

	@Test
	void agreesWithCcusageOnClaudeSonnetSessions() {
		// ground truth per session: a183c2e9, 38c853e4 (own message), 4b5440ae main
		BigDecimal total = cost("claude-sonnet-4-5-20250929", 14, 408, 27800, 1700, 0)
			.add(cost("claude-sonnet-4-5-20250929", 6, 30, 9900, 50, 0))
			.add(cost("claude-sonnet-4-5-20250929", 8, 180, 31200, 1450, 0));

		assertThat(total).isEqualByComparingTo("0.042024");
	}

	@Test
	void agreesWithCcusageOnHaikuIncludingTheOneHourCacheWrite() {
		assertThat(cost("claude-haiku-4-5-20251001", 9, 377, 43000, 2100, 1000)).isEqualByComparingTo("0.010819");
	}

	@Test
	void pricesOneHourCacheWritesAtTheOneHourRate() {
		BigDecimal oneHour = cost("claude-haiku-4-5-20251001", 0, 0, 0, 0, 1000);
		BigDecimal fiveMinutes = cost("claude-haiku-4-5-20251001", 0, 0, 0, 1000, 0);

		assertThat(oneHour).isEqualByComparingTo("0.002");
		assertThat(fiveMinutes).isEqualByComparingTo("0.00125");
	}

	@Test
	void agreesWithCcusageOnCodexSessions() {
		// input is the NON-cached input (ccusage's inputTokens); cached input is cacheRead
		assertThat(cost("gpt-5-codex", 2000, 120, 3000, 0, 0)).isEqualByComparingTo("0.004075");
		assertThat(cost("gpt-5", 8700, 240, 7900, 0, 0).add(cost("gpt-5-codex", 400, 60, 8700, 0, 0)))
			.isEqualByComparingTo("0.01645");
		assertThat(cost("gpt-5-mini", 5100, 350, 8200, 0, 0)).isEqualByComparingTo("0.00218");
	}

	@Test
	void leavesModelsUnknownToThePriceTableUnpriced() {
		assertThat(shipped.find("claude-opus-5-5", AT)).isEmpty();
		assertThat(shipped.find("claude-haiku-5-5", AT)).isEmpty();
		assertThat(shipped.find("gpt-5-codex-turbo", AT)).isEmpty();
		assertThat(shipped.find("claude-sonnet-4-5-20250929", AT)).isPresent();
		assertThat(shipped.find("claude-opus-4-1-20250805", AT)).isPresent();
		assertThat(shipped.find("o4-mini", AT)).isPresent();
	}

	@Test
	void pricesAWholeRequestAtTheLongContextTierOnceItsPromptIsAboveTheThreshold() {
		// 200,000 prompt tokens: base rates; 200,001: every token of the request at the tier rates
		BigDecimal atThreshold = cost("claude-sonnet-4-5", 150_000, 1000, 50_000, 0, 0);
		BigDecimal above = cost("claude-sonnet-4-5", 150_001, 1000, 50_000, 0, 0);

		assertThat(atThreshold).isEqualByComparingTo("0.48"); // 150000*3 + 1000*15 + 50000*0.3
		assertThat(above).isEqualByComparingTo("0.952506"); // 150001*6 + 1000*22.5 + 50000*0.6
	}

	@Test
	void usesThePriceInForceWhenTheRequestHappened() {
		ModelPrice old = price("m", MatchKind.EXACT, "2026-01-01T00:00:00Z", "1", "file");
		ModelPrice raised = price("m", MatchKind.EXACT, "2026-06-01T00:00:00Z", "2", "override");
		PriceTable table = new PriceTable(List.of(old, raised));

		assertThat(table.find("m", Instant.parse("2025-12-31T23:59:59Z"))).isEmpty();
		assertThat(table.find("m", Instant.parse("2026-05-31T23:59:59Z"))).contains(old);
		assertThat(table.find("m", Instant.parse("2026-06-01T00:00:00Z"))).contains(raised);
		assertThat(table.effectiveAt(Instant.parse("2026-07-01T00:00:00Z"))).containsExactly(raised);
	}

	@Test
	void prefersAnExactIdOverAPatternAndALaterListedPriceOnTheSameDate() {
		ModelPrice pattern = price("gpt-.*", MatchKind.PATTERN, "2020-01-01T00:00:00Z", "1", "file");
		ModelPrice exact = price("gpt-x", MatchKind.EXACT, "2020-01-01T00:00:00Z", "2", "file");
		ModelPrice override = price("gpt-x", MatchKind.EXACT, "2020-01-01T00:00:00Z", "3", "override");
		PriceTable table = new PriceTable(List.of(pattern, exact, override));

		assertThat(table.find("gpt-x", AT)).contains(override);
		assertThat(table.find("gpt-y", AT)).contains(pattern);
		assertThat(table.find("xgpt-y", AT)).as("a pattern matches the whole id").isEmpty();
	}

	@Test
	void namesEveryProblemOfAnInvalidPrice() {
		PriceEntry entry = new PriceEntry(null, "pattern", null, new BigDecimal("-1"), null, new BigDecimal("0.1234567"),
				null, null, List.of(new PriceEntry.Tier(null, BigDecimal.ONE, BigDecimal.ONE, null, null, null)), null);

		assertThat(entry.problems("(unclosed", MatchKind.PATTERN)).extracting(problem -> problem.get("field"))
			.containsExactlyInAnyOrder("model", "input", "output", "cacheRead", "tiers[0].inputAbove");
	}

	@Test
	void defaultsMissingCachePricesToTheInputPrice() {
		PriceEntry entry = new PriceEntry(null, null, null, new BigDecimal("2"), new BigDecimal("8"), null,
				null, null, null, null);

		Rates rates = entry.toPrice("m", MatchKind.EXACT, AT, "override").rates();

		assertThat(List.of(rates.cacheRead(), rates.cacheWrite5m(), rates.cacheWrite1h())).allSatisfy(
				rate -> assertThat(rate).isEqualByComparingTo("2"));
	}

	private static ModelPrice price(String model, MatchKind kind, String from, String input, String source) {
		BigDecimal rate = new BigDecimal(input);
		return new ModelPrice(model, kind, Instant.parse(from), new Rates(rate, rate, rate, rate, rate), List.of(), source);
	}

}
