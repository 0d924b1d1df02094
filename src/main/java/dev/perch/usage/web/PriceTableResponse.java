package dev.perch.usage.web;

import java.time.Instant;
import java.util.List;

/**
 * The price table in force at an instant.
 *
 * @param source where the shipped prices come from
 * @param retrieved when they were read there
 * @param at the instant the table is for
 * @param prices one price per model or pattern, the one in force at {@code at}
 */
record PriceTableResponse(String source, String retrieved, String currency, String unit, Instant at,
		List<PriceView> prices) {
}
