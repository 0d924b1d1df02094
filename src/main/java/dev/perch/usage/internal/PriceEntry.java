package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * One price as written in the price file or sent to {@code PUT /api/v1/pricing/{model}}: USD per
 * million tokens. Missing cache prices default to the input price ({@code cacheWrite1h} to
 * {@code cacheWrite5m}), the conservative choice.
 */
public record PriceEntry(@Nullable String model, @Nullable String match, @Nullable Instant effectiveFrom,
		@Nullable BigDecimal input, @Nullable BigDecimal output, @Nullable BigDecimal cacheRead,
		@Nullable BigDecimal cacheWrite5m, @Nullable BigDecimal cacheWrite1h, @Nullable List<Tier> tiers,
		@Nullable String note) {

	static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,127}");

	private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(100_000);

	/** A whole-request tier: above {@code inputAbove} prompt tokens the request is priced at these rates. */
	public record Tier(@Nullable Long inputAbove, @Nullable BigDecimal input, @Nullable BigDecimal output,
			@Nullable BigDecimal cacheRead, @Nullable BigDecimal cacheWrite5m, @Nullable BigDecimal cacheWrite1h) {
	}

	/** Every problem of the entry as {@code {field, message}}; empty when it is valid. */
	public List<Map<String, String>> problems(String model, MatchKind kind) {
		List<Map<String, String>> errors = new ArrayList<>();
		if (kind == MatchKind.EXACT && !MODEL_ID.matcher(model).matches()) {
			errors.add(error("model", "must be a model id of 1-128 letters, digits and ._:@/+-"));
		}
		if (kind == MatchKind.PATTERN) {
			if (model.length() > 200) {
				errors.add(error("model", "a pattern may have at most 200 characters"));
			}
			else {
				try {
					Pattern.compile(model);
				}
				catch (PatternSyntaxException ex) {
					errors.add(error("model", "is not a valid regular expression: " + ex.getDescription()));
				}
			}
		}
		checkRates("", input, output, cacheRead, cacheWrite5m, cacheWrite1h, errors);
		List<Tier> list = tiers == null ? List.of() : tiers;
		if (list.size() > 10) {
			errors.add(error("tiers", "at most 10 tiers"));
		}
		for (int i = 0; i < list.size() && i < 10; i++) {
			Tier tier = list.get(i);
			String prefix = "tiers[" + i + "].";
			if (tier == null) {
				errors.add(error("tiers[" + i + "]", "must be an object"));
				continue;
			}
			if (tier.inputAbove() == null || tier.inputAbove() < 0) {
				errors.add(error(prefix + "inputAbove", "must be a whole number of tokens, 0 or more"));
			}
			checkRates(prefix, tier.input(), tier.output(), tier.cacheRead(), tier.cacheWrite5m(), tier.cacheWrite1h(),
					errors);
		}
		return errors;
	}

	/** The price this entry describes; call only when {@link #problems} is empty. */
	public ModelPrice toPrice(String model, MatchKind kind, Instant defaultEffectiveFrom, String source) {
		List<PriceTier> priceTiers = (tiers == null ? List.<Tier>of() : tiers).stream()
			.map(tier -> new PriceTier(tier.inputAbove(), rates(tier.input(), tier.output(), tier.cacheRead(),
					tier.cacheWrite5m(), tier.cacheWrite1h())))
			.toList();
		return new ModelPrice(model, kind, effectiveFrom == null ? defaultEffectiveFrom : effectiveFrom,
				rates(input, output, cacheRead, cacheWrite5m, cacheWrite1h), priceTiers, source);
	}

	/** The kind named by {@code match}, {@code exact} when absent; {@code null} when unknown. */
	public @Nullable MatchKind kind() {
		if (match == null) {
			return MatchKind.EXACT;
		}
		return switch (match) {
			case "exact" -> MatchKind.EXACT;
			case "pattern" -> MatchKind.PATTERN;
			default -> null;
		};
	}

	private static Rates rates(@Nullable BigDecimal input, @Nullable BigDecimal output, @Nullable BigDecimal cacheRead,
			@Nullable BigDecimal cacheWrite5m, @Nullable BigDecimal cacheWrite1h) {
		BigDecimal in = require(input);
		BigDecimal write5m = cacheWrite5m == null ? in : cacheWrite5m;
		return new Rates(in, require(output), cacheRead == null ? in : cacheRead, write5m,
				cacheWrite1h == null ? write5m : cacheWrite1h);
	}

	private static BigDecimal require(@Nullable BigDecimal value) {
		if (value == null) {
			throw new IllegalStateException("validated before");
		}
		return value;
	}

	private static void checkRates(String prefix, @Nullable BigDecimal input, @Nullable BigDecimal output,
			@Nullable BigDecimal cacheRead, @Nullable BigDecimal cacheWrite5m, @Nullable BigDecimal cacheWrite1h,
			List<Map<String, String>> errors) {
		checkPrice(prefix + "input", input, true, errors);
		checkPrice(prefix + "output", output, true, errors);
		checkPrice(prefix + "cacheRead", cacheRead, false, errors);
		checkPrice(prefix + "cacheWrite5m", cacheWrite5m, false, errors);
		checkPrice(prefix + "cacheWrite1h", cacheWrite1h, false, errors);
	}

	private static void checkPrice(String field, @Nullable BigDecimal value, boolean required,
			List<Map<String, String>> errors) {
		if (value == null) {
			if (required) {
				errors.add(error(field, "is required (USD per million tokens)"));
			}
			return;
		}
		if (value.signum() < 0 || value.compareTo(MAX_PRICE) > 0 || value.scale() > 6) {
			errors.add(error(field, "must be from 0 to 100000 USD per million tokens, at most 6 decimals"));
		}
	}

	private static Map<String, String> error(String field, String message) {
		return Map.of("field", field, "message", message);
	}

}
