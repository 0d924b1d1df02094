package dev.perch.usage.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An immutable set of prices and how a model id finds its price at an instant: among the prices
 * naming the id exactly, the latest effective one; only if there is none, among the patterns that
 * match it. On equal dates an override beats the price file, a later override an earlier one.
 */
public final class PriceTable {

	private static final int CACHE_LIMIT = 10_000;

	private final List<ModelPrice> prices;

	private final Map<String, List<ModelPrice>> exact;

	private final List<Map.Entry<Pattern, ModelPrice>> patterns;

	private final Map<String, Candidates> cache = new ConcurrentHashMap<>();

	public PriceTable(List<ModelPrice> prices) {
		this.prices = List.copyOf(prices);
		Map<String, List<ModelPrice>> byId = new ConcurrentHashMap<>();
		List<Map.Entry<Pattern, ModelPrice>> compiled = new ArrayList<>();
		for (ModelPrice price : this.prices) {
			if (price.match() == MatchKind.EXACT) {
				byId.computeIfAbsent(price.model(), id -> new ArrayList<>()).add(price);
			}
			else {
				compiled.add(Map.entry(Pattern.compile(price.model()), price));
			}
		}
		this.exact = byId;
		this.patterns = List.copyOf(compiled);
	}

	/** Every price, in the order given (the file first, then overrides by creation). */
	public List<ModelPrice> prices() {
		return prices;
	}

	/** The price in force for a model at an instant, if the model is priced at all then. */
	public Optional<ModelPrice> find(String model, Instant at) {
		Candidates candidates = cache.size() < CACHE_LIMIT ? cache.computeIfAbsent(model, this::candidates)
				: candidates(model);
		Optional<ModelPrice> exactPrice = latest(candidates.exact(), at);
		return exactPrice.isPresent() ? exactPrice : latest(candidates.patterns(), at);
	}

	private Candidates candidates(String model) {
		List<ModelPrice> matching = patterns.stream()
			.filter(entry -> entry.getKey().matcher(model).matches())
			.map(Map.Entry::getValue)
			.toList();
		return new Candidates(exact.getOrDefault(model, List.of()), matching);
	}

	/** The latest price effective at the instant; on a tie the one listed last (overrides come last). */
	private static Optional<ModelPrice> latest(List<ModelPrice> prices, Instant at) {
		ModelPrice best = null;
		for (ModelPrice price : prices) {
			if (!price.effectiveFrom().isAfter(at)
					&& (best == null || !price.effectiveFrom().isBefore(best.effectiveFrom()))) {
				best = price;
			}
		}
		return Optional.ofNullable(best);
	}

	/** Prices in force at the instant, one per model or pattern, sorted by model. */
	public List<ModelPrice> effectiveAt(Instant at) {
		Map<String, ModelPrice> current = new java.util.TreeMap<>();
		for (ModelPrice price : prices) {
			String id = price.match().json() + ":" + price.model();
			ModelPrice known = current.get(id);
			if (!price.effectiveFrom().isAfter(at)
					&& (known == null || !price.effectiveFrom().isBefore(known.effectiveFrom()))) {
				current.put(id, price);
			}
		}
		return current.values().stream().sorted(Comparator.comparing(ModelPrice::model)).toList();
	}

	private record Candidates(List<ModelPrice> exact, List<ModelPrice> patterns) {
	}

}
