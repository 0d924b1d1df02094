package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import dev.perch.usage.Tokens;

/**
 * The price of a model (or of every model a pattern matches) from {@code effectiveFrom} until a later
 * price for the same models takes over.
 *
 * @param model the model id, or a regular expression that must match the whole id
 * @param source where the price comes from: the price file's source, or {@code override}
 */
public record ModelPrice(String model, MatchKind match, Instant effectiveFrom, Rates rates, List<PriceTier> tiers,
		String source) {

	public ModelPrice {
		tiers = tiers.stream().sorted(Comparator.comparingLong(PriceTier::inputAbove)).toList();
	}

	/** The rates of a request: the highest tier whose threshold its prompt exceeds, else the base rates. */
	public Rates ratesFor(Tokens tokens) {
		Rates chosen = rates;
		for (PriceTier tier : tiers) {
			if (tokens.prompt() > tier.inputAbove()) {
				chosen = tier.rates();
			}
		}
		return chosen;
	}

	public BigDecimal cost(Tokens tokens) {
		return ratesFor(tokens).cost(tokens);
	}

}
