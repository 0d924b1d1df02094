package dev.perch.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.perch.usage.IngestItem.RecordError;

/** The value rules of a usage record, the same for the HTTP API and for other modules. */
final class RecordRules {

	static final int MAX_KEY = 256;

	static final int MAX_NAME = 128;

	static final int MAX_PROVIDER = 64;

	/** A record may not claim to be from further in the future than this (clock skew). */
	static final Duration MAX_FUTURE = Duration.ofDays(1);

	static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	static final long MAX_TOKENS = 1_000_000_000_000L;

	static final BigDecimal MAX_COST = BigDecimal.valueOf(1_000_000);

	private static final Pattern AGENT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

	private RecordRules() {
	}

	static List<RecordError> check(UsageRecordRequest record, Instant now) {
		List<RecordError> errors = new ArrayList<>();
		text(errors, "key", record.key(), MAX_KEY, true);
		if (record.occurredAt() == null) {
			errors.add(new RecordError("occurredAt", "missing", "is required"));
		}
		else if (record.occurredAt().isBefore(EARLIEST) || record.occurredAt().isAfter(now.plus(MAX_FUTURE))) {
			errors.add(new RecordError("occurredAt", "out-of-range", "must be after 2000-01-01 and not in the future"));
		}
		text(errors, "workspace", record.workspace(), MAX_NAME, true);
		if (record.agent() == null) {
			errors.add(new RecordError("agent", "missing", "is required"));
		}
		else if (!AGENT.matcher(record.agent()).matches()) {
			errors.add(new RecordError("agent", "invalid", "must be 1-32 lower-case letters, digits and ._- (e.g. claude)"));
		}
		text(errors, "model", record.model(), MAX_NAME, true);
		text(errors, "provider", record.provider(), MAX_PROVIDER, false);
		text(errors, "sessionId", record.sessionId(), MAX_NAME, false);
		text(errors, "error", record.error(), MAX_NAME, false);
		if (record.tokens() == null) {
			errors.add(new RecordError("tokens", "missing", "are required"));
		}
		else {
			Tokens tokens = record.tokens();
			count(errors, "input", tokens.input());
			count(errors, "output", tokens.output());
			count(errors, "cacheRead", tokens.cacheRead());
			count(errors, "cacheWrite5m", tokens.cacheWrite5m());
			count(errors, "cacheWrite1h", tokens.cacheWrite1h());
			count(errors, "reasoning", tokens.reasoning());
		}
		if (record.cost() != null && (record.cost().signum() < 0 || record.cost().compareTo(MAX_COST) > 0)) {
			errors.add(new RecordError("cost", "out-of-range", "must be from 0 to 1000000 USD"));
		}
		if (record.latencyMs() != null && (record.latencyMs() < 0 || record.latencyMs() > Duration.ofDays(1).toMillis())) {
			errors.add(new RecordError("latencyMs", "out-of-range", "must be from 0 to 86400000"));
		}
		return errors;
	}

	/** A reported cost as stored: 10 decimal places (JSON doubles carry binary noise beyond that). */
	static @Nullable BigDecimal cost(@Nullable BigDecimal reported) {
		return reported == null ? null : reported.setScale(10, RoundingMode.HALF_EVEN).stripTrailingZeros();
	}

	private static void text(List<RecordError> errors, String field, @Nullable String value, int max,
			boolean required) {
		if (value == null || value.isEmpty()) {
			if (required) {
				errors.add(new RecordError(field, "missing", "is required"));
			}
			return;
		}
		if (value.length() > max) {
			errors.add(new RecordError(field, "too-long", "must have at most " + max + " characters"));
		}
		else if (hasControlCharacter(value)) {
			errors.add(new RecordError(field, "invalid", "must not contain control characters"));
		}
	}

	private static boolean hasControlCharacter(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	private static void count(List<RecordError> errors, String field, long value) {
		if (value < 0) {
			errors.add(new RecordError(field, "negative", "must be 0 or more"));
		}
		else if (value > MAX_TOKENS) {
			errors.add(new RecordError(field, "out-of-range", "must be at most " + MAX_TOKENS));
		}
	}

}
