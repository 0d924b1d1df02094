package dev.perch.session.agent;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Lenient access to parsed JSON lines: absent or mistyped members read as null or zero, never an exception. */
public final class Json {

	private Json() {
	}

	/** The line as an object, or null when it is not one (a corrupt or truncated line). */
	public static @Nullable JsonNode object(JsonMapper json, String line) {
		String trimmed = line.strip();
		if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
			return null;
		}
		try {
			JsonNode node = json.readTree(trimmed);
			return node != null && node.isObject() ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** Whether the line looks like one JSON object (cheap; used to count corrupt lines that are not parsed). */
	public static boolean looksLikeObject(String line) {
		String trimmed = line.strip();
		return trimmed.startsWith("{") && trimmed.endsWith("}");
	}

	public static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value != null && value.isString() ? value.stringValue() : null;
	}

	public static long number(@Nullable JsonNode node, String field) {
		if (node == null) {
			return 0;
		}
		JsonNode value = node.get(field);
		return value != null && value.isNumber() ? value.asLong() : 0;
	}

	public static @Nullable Double decimal(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value != null && value.isNumber() ? value.asDouble() : null;
	}

	public static @Nullable Instant instant(@Nullable String iso) {
		if (iso == null) {
			return null;
		}
		try {
			return Instant.parse(iso);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** A compact JSON rendering of a node, for summaries of tool input. */
	public static String compact(JsonMapper json, @Nullable JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return "";
		}
		return node.isString() ? node.stringValue() : json.writeValueAsString(node);
	}

}
