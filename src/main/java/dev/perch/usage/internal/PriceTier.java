package dev.perch.usage.internal;

/**
 * A whole-request tier: when a request's prompt (input + cache reads + cache writes) is above
 * {@code inputAbove} tokens, every token of that request is priced at {@code rates}.
 */
public record PriceTier(long inputAbove, Rates rates) {
}
