package dev.perch.usage.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.perch.usage.IngestItem;
import dev.perch.usage.IngestItem.RecordError;
import dev.perch.usage.Tokens;
import dev.perch.usage.UsageRecordRequest;
import tools.jackson.databind.JsonNode;

/**
 * Reads one JSON record of {@code POST /usage/records}: known fields only (so no prompt or response
 * text can slip in), strings where strings belong, whole non-negative numbers for tokens. Value rules
 * (lengths, ranges) are checked by the service for every caller alike.
 */
final class RecordReader {

	static final Set<String> FIELDS = Set.of("key", "occurredAt", "workspace", "agent", "model", "provider",
			"sessionId", "input", "output", "cacheRead", "cacheWrite5m", "cacheWrite1h", "reasoning", "cost",
			"latencyMs", "error");

	private static final int MAX_ERRORS_PER_RECORD = 20;

	private RecordReader() {
	}

	static IngestItem read(JsonNode node) {
		if (!node.isObject()) {
			return IngestItem.invalid(List.of(new RecordError("record", "not-an-object", "must be a JSON object")));
		}
		Reading reading = new Reading(node);
		for (String name : node.propertyNames()) {
			if (!FIELDS.contains(name) && reading.errors.size() < MAX_ERRORS_PER_RECORD) {
				String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
				reading.errors.add(new RecordError(shown, "unknown-field", "is not a field of a usage record"));
			}
		}
		Tokens tokens = new Tokens(reading.count("input"), reading.count("output"), reading.count("cacheRead"),
				reading.count("cacheWrite5m"), reading.count("cacheWrite1h"), reading.count("reasoning"));
		UsageRecordRequest record = new UsageRecordRequest(reading.text("key"), reading.instant("occurredAt"),
				reading.text("workspace"), reading.text("agent"), reading.text("model"), reading.text("provider"),
				reading.text("sessionId"), tokens, reading.decimal("cost"), reading.longValue("latencyMs"),
				reading.text("error"));
		return reading.errors.isEmpty() ? IngestItem.of(record) : IngestItem.invalid(reading.errors);
	}

	private static final class Reading {

		final JsonNode node;

		final List<RecordError> errors = new ArrayList<>();

		Reading(JsonNode node) {
			this.node = node;
		}

		/** A string field; a missing one is {@code null} and left to the value rules. */
		@Nullable String text(String field) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isString()) {
				errors.add(new RecordError(field, "wrong-type", "must be a string"));
				return null;
			}
			return value.stringValue();
		}

		@Nullable Instant instant(String field) {
			String text = text(field);
			if (text == null) {
				return null;
			}
			try {
				return text.length() > 40 ? null : OffsetDateTime.parse(text).toInstant();
			}
			catch (DateTimeParseException ex) {
				errors.add(new RecordError(field, "wrong-type",
						"must be an ISO-8601 date-time with offset, e.g. 2026-11-25T10:15:30Z"));
				return null;
			}
		}

		long count(String field) {
			Long value = longValue(field);
			return value == null ? 0 : value;
		}

		@Nullable Long longValue(String field) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isIntegralNumber()) {
				errors.add(new RecordError(field, "wrong-type", "must be a whole number"));
				return null;
			}
			if (!value.canConvertToLong()) {
				errors.add(new RecordError(field, "out-of-range", "is too large"));
				return null;
			}
			return value.longValue();
		}

		@Nullable BigDecimal decimal(String field) {
			JsonNode value = node.get(field);
			if (value == null || value.isNull()) {
				return null;
			}
			if (!value.isNumber()) {
				errors.add(new RecordError(field, "wrong-type", "must be a number (USD)"));
				return null;
			}
			BigDecimal decimal = value.decimalValue();
			if (decimal.precision() - decimal.scale() > 12) {
				errors.add(new RecordError(field, "out-of-range", "is too large"));
				return null;
			}
			return decimal;
		}

	}

}
