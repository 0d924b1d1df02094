package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

import dev.perch.usage.Tokens;

/** USD per million tokens of each kind. */
public record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite5m,
		BigDecimal cacheWrite1h) {

	private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

	/** The cost of these tokens at these rates, in USD, to 10 decimal places. */
	public BigDecimal cost(Tokens tokens) {
		BigDecimal perMillion = input.multiply(BigDecimal.valueOf(tokens.input()))
			.add(output.multiply(BigDecimal.valueOf(tokens.output())))
			.add(cacheRead.multiply(BigDecimal.valueOf(tokens.cacheRead())))
			.add(cacheWrite5m.multiply(BigDecimal.valueOf(tokens.cacheWrite5m())))
			.add(cacheWrite1h.multiply(BigDecimal.valueOf(tokens.cacheWrite1h())));
		return perMillion.divide(MILLION, 10, RoundingMode.HALF_EVEN).stripTrailingZeros();
	}

}
