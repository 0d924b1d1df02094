package dev.perch.usage.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import dev.perch.usage.internal.ModelPrice;
import dev.perch.usage.internal.PriceTier;

/** A price as the API shows it: USD per million tokens, whole-request tiers, where it comes from. */
record PriceView(String model, String match, Instant effectiveFrom, BigDecimal input, BigDecimal output,
		BigDecimal cacheRead, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h, List<Tier> tiers, String source) {

	record Tier(long inputAbove, BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite5m,
			BigDecimal cacheWrite1h) {

		static Tier of(PriceTier tier) {
			var r = tier.rates();
			return new Tier(tier.inputAbove(), r.input(), r.output(), r.cacheRead(), r.cacheWrite5m(), r.cacheWrite1h());
		}

	}

	static PriceView of(ModelPrice price) {
		var r = price.rates();
		return new PriceView(price.model(), price.match().json(), price.effectiveFrom(), r.input(), r.output(),
				r.cacheRead(), r.cacheWrite5m(), r.cacheWrite1h(), price.tiers().stream().map(Tier::of).toList(),
				price.source());
	}

}
