package dev.perch.usage.internal;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The shipped price table ({@code classpath:pricing/prices.json}).
 *
 * @param source where the figures come from
 * @param retrieved when they were read there (ISO date)
 * @param currency always USD
 * @param unit always "per million tokens"
 * @param models the prices
 */
public record PriceFile(String source, String retrieved, @Nullable String currency, @Nullable String unit,
		@Nullable String notes, List<PriceEntry> models) {
}
