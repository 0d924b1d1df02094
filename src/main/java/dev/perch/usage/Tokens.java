package dev.perch.usage;

/**
 * The token counts of one model request. {@code input} excludes cache reads and writes (Anthropic's
 * {@code input_tokens}; for OpenAI it is input minus cached input); {@code output} includes
 * {@code reasoning}, which is recorded for information and never priced on top of output.
 */
public record Tokens(long input, long output, long cacheRead, long cacheWrite5m, long cacheWrite1h, long reasoning) {

	public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0, 0);

	/** Everything the model read: input, cache reads and cache writes (what long-context tiers look at). */
	public long prompt() {
		return input + cacheRead + cacheWrite5m + cacheWrite1h;
	}

	/**
	 * Every token the request read or wrote: input, output, cache reads and both cache writes.
	 * Reasoning is not added again: it is already part of {@code output}.
	 */
	public long total() {
		return prompt() + output;
	}

	public long cacheWrite() {
		return cacheWrite5m + cacheWrite1h;
	}

}
