package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.perch.usage.IngestItem.RecordError;

import static org.assertj.core.api.Assertions.assertThat;

class RecordRulesTests {

	private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

	private static UsageRecordRequest record(String key, Instant at, String agent, Tokens tokens, BigDecimal cost) {
		return new UsageRecordRequest(key, at, "alpha", agent, "gpt-5", null, null, tokens, cost, null, null);
	}

	@Test
	void acceptsACompleteRecord() {
		assertThat(RecordRules.check(record("k", NOW, "codex", new Tokens(1, 2, 3, 4, 5, 1), null), NOW)).isEmpty();
	}

	@Test
	void refusesNegativeTokenCountsNamingEachField() {
		var errors = RecordRules.check(record("k", NOW, "codex", new Tokens(-1, 0, -3, 0, 0, -1), null), NOW);

		assertThat(errors).extracting(RecordError::field, RecordError::reason)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("input", "negative"),
					org.assertj.core.groups.Tuple.tuple("cacheRead", "negative"),
					org.assertj.core.groups.Tuple.tuple("reasoning", "negative"));
	}

	@Test
	void capsKeyLengthAndRefusesControlCharactersAndOddAgents() {
		var errors = RecordRules.check(record("k".repeat(257), NOW, "Claude Code", Tokens.NONE, null), NOW);
		assertThat(errors).extracting(RecordError::field, RecordError::reason)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("key", "too-long"),
					org.assertj.core.groups.Tuple.tuple("agent", "invalid"));

		assertThat(RecordRules.check(record("a\nb", NOW, "claude", Tokens.NONE, null), NOW))
			.extracting(RecordError::reason).containsExactly("invalid");
	}

	@Test
	void refusesTimesFarInTheFutureAndNegativeCosts() {
		var errors = RecordRules.check(record("k", NOW.plusSeconds(3 * 86400), "claude", Tokens.NONE,
				new BigDecimal("-0.01")), NOW);

		assertThat(errors).extracting(RecordError::field).containsExactly("occurredAt", "cost");
	}

	@Test
	void keepsReportedCostsToTenDecimals() {
		assertThat(RecordRules.cost(new BigDecimal("0.042024000000000006"))).isEqualByComparingTo("0.042024");
		assertThat(RecordRules.cost(null)).isNull();
	}

}
