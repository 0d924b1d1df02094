package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.perch.usage.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of recorded tokens ({@code perch.usage.tokens{agent,model,kind}}), cost
 * ({@code perch.usage.cost{agent,model}}, USD) and rejected records
 * ({@code perch.usage.ingest.rejected{reason}}). Tags stay low-cardinality: never a workspace or
 * session, and agent and model values past the first {@code MAX_TAG_VALUES} become {@code other}.
 */
@Component
public class UsageMetrics {

	static final int MAX_TAG_VALUES = 100;

	private static final String[] KINDS = { "input", "output", "cache_read", "cache_write_5m", "cache_write_1h",
			"reasoning" };

	private final MeterRegistry registry;

	private final Set<String> agents = ConcurrentHashMap.newKeySet();

	private final Set<String> models = ConcurrentHashMap.newKeySet();

	public UsageMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Adds the tokens and cost of records that were newly stored (call after their transaction committed). */
	public void recorded(Tally tally) {
		tally.sums.forEach((key, sum) -> {
			String agent = bounded(agents, key.agent());
			String model = bounded(models, key.model());
			for (int kind = 0; kind < KINDS.length; kind++) {
				if (sum.tokens[kind] > 0) {
					Counter.builder("perch.usage.tokens")
						.description("Tokens of recorded model requests")
						.baseUnit("tokens")
						.tags("agent", agent, "model", model, "kind", KINDS[kind])
						.register(registry)
						.increment(sum.tokens[kind]);
				}
			}
			if (sum.cost.signum() > 0) {
				Counter.builder("perch.usage.cost")
					.description("Cost of recorded model requests, USD (reported or calculated; unpriced ones add nothing)")
					.baseUnit("usd")
					.tags("agent", agent, "model", model)
					.register(registry)
					.increment(sum.cost.doubleValue());
			}
		});
	}

	public void rejected(String reason, long count) {
		Counter.builder("perch.usage.ingest.rejected")
			.description("Usage records rejected at ingest")
			.tags("reason", reason)
			.register(registry)
			.increment(count);
	}

	private static String bounded(Set<String> seen, String value) {
		if (seen.contains(value)) {
			return value;
		}
		if (seen.size() >= MAX_TAG_VALUES) {
			return "other";
		}
		seen.add(value);
		return value;
	}

	/** Sums per agent and model, gathered while a batch is written and published once it committed. */
	public static final class Tally {

		private final Map<Key, Sum> sums = new HashMap<>();

		public void add(String agent, String model, Tokens tokens, @Nullable BigDecimal cost) {
			Sum sum = sums.computeIfAbsent(new Key(agent, model), key -> new Sum());
			sum.tokens[0] += tokens.input();
			sum.tokens[1] += tokens.output();
			sum.tokens[2] += tokens.cacheRead();
			sum.tokens[3] += tokens.cacheWrite5m();
			sum.tokens[4] += tokens.cacheWrite1h();
			sum.tokens[5] += tokens.reasoning();
			if (cost != null) {
				sum.cost = sum.cost.add(cost);
			}
		}

		private record Key(String agent, String model) {
		}

		private static final class Sum {

			final long[] tokens = new long[KINDS.length];

			BigDecimal cost = BigDecimal.ZERO;

		}

	}

}
