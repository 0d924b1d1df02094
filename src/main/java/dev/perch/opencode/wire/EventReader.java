package dev.perch.opencode.wire;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.OpenCodeEvent.AssistantMessage;
import dev.perch.opencode.OpenCodeEvent.Tokens;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one {@code data:} line of OpenCode's event stream: the global form
 * ({@code {"directory":…,"payload":{"type":…,"properties":…}}}) or the per-directory form (the payload
 * itself). Events Perch does not act on, sync echoes and malformed JSON read as empty.
 */
public final class EventReader {

	private final JsonMapper json;

	public EventReader(JsonMapper json) {
		this.json = json;
	}

	public Optional<OpenCodeEvent> read(String data) {
		try {
			Flat flat = scan(data);
			if (flat != null) {
				return Optional.ofNullable(flat.event());
			}
			JsonNode root = json.readTree(data);
			JsonNode payload = root.has("payload") ? root.get("payload") : root;
			return Optional.ofNullable(event(payload.path("type").asString(""), payload.path("properties")));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The event read in one pass over the text, without building a tree: the way for text deltas, which are
	 * nearly all of a turn's events, and for every event Perch does not act on. {@code null} for the types
	 * whose properties hold an object Perch reads (a message, a part, an error): the tree reads those.
	 */
	private @Nullable Flat scan(String data) {
		try (JsonParser parser = json.createParser(data)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return new Flat();
			}
			Flat root = new Flat();
			Flat payload = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("payload".equals(name) && value == JsonToken.START_OBJECT) {
					payload = new Flat();
					while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
						String member = parser.currentName();
						payload.member(parser, member, parser.nextToken());
					}
				}
				else {
					root.member(parser, name, value);
				}
			}
			Flat event = payload != null ? payload : root;
			return TREE_TYPES.contains(event.type) ? null : event;
		}
	}

	/** Types whose events the tree reads (their properties hold objects). */
	private static final java.util.Set<String> TREE_TYPES = java.util.Set.of("message.updated", "message.part.updated",
			"session.error");

	/** The fields of an event {@link #scan} reads: its type and the plain members of its properties. */
	private static final class Flat {

		String type = "";

		String session = "";

		String message = "";

		String part = "";

		String field = "";

		String delta = "";

		String status = "";

		/** Reads one member of the payload (its type, its properties), skipping any other. */
		void member(JsonParser parser, String name, JsonToken value) {
			if ("type".equals(name)) {
				type = value == JsonToken.VALUE_STRING ? parser.getString() : "";
			}
			else if ("properties".equals(name) && value == JsonToken.START_OBJECT) {
				properties(parser);
			}
			parser.skipChildren();
		}

		private void properties(JsonParser parser) {
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				String text = value == JsonToken.VALUE_STRING ? parser.getString() : "";
				switch (name) {
					case "sessionID" -> session = text;
					case "messageID" -> message = text;
					case "partID" -> part = text;
					case "field" -> field = text;
					case "delta" -> delta = text;
					case "status" -> status = value == JsonToken.START_OBJECT ? statusType(parser) : "";
					default -> parser.skipChildren();
				}
			}
		}

		private static String statusType(JsonParser parser) {
			String type = "";
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("type".equals(name) && value == JsonToken.VALUE_STRING) {
					type = parser.getString();
				}
				parser.skipChildren();
			}
			return type;
		}

		@Nullable OpenCodeEvent event() {
			return switch (type) {
				case "server.connected" -> new OpenCodeEvent.Connected();
				case "server.heartbeat" -> new OpenCodeEvent.Heartbeat();
				case "session.status" -> session.isEmpty() ? null : new OpenCodeEvent.Status(session, !"idle".equals(status));
				case "session.idle" -> session.isEmpty() ? null : new OpenCodeEvent.Status(session, false);
				case "message.part.delta" -> session.isEmpty() ? null
						: new OpenCodeEvent.Delta(session, message, part, field, delta);
				default -> null;
			};
		}

	}

	/** An event of one of {@link #TREE_TYPES}. */
	private static @Nullable OpenCodeEvent event(String type, JsonNode properties) {
		String session = properties.path("sessionID").asString("");
		return switch (type) {
			case "session.error" -> session.isEmpty() ? null : new OpenCodeEvent.SessionError(session,
					properties.path("error").path("name").asString("UnknownError"),
					text(properties.path("error").path("data").path("message")));
			case "message.updated" -> message(properties.path("info"));
			case "message.part.updated" -> part(properties.path("part"));
			default -> null;
		};
	}

	private static @Nullable OpenCodeEvent message(JsonNode info) {
		if (!"assistant".equals(info.path("role").asString("")) || info.path("sessionID").asString("").isEmpty()) {
			return null;
		}
		JsonNode tokens = info.path("tokens");
		JsonNode time = info.path("time");
		return new AssistantMessage(info.path("sessionID").asString(), info.path("id").asString(""),
				text(info.path("modelID")), text(info.path("providerID")),
				new Tokens(tokens.path("input").asLong(0), tokens.path("output").asLong(0),
						tokens.path("reasoning").asLong(0), tokens.path("cache").path("read").asLong(0),
						tokens.path("cache").path("write").asLong(0)),
				info.path("cost").isNumber() ? info.path("cost").asDouble() : null, time.path("created").asLong(0),
				time.path("completed").isNumber() ? time.path("completed").asLong() : null,
				info.path("error").isObject() ? info.path("error").path("name").asString("UnknownError") : null);
	}

	private static @Nullable OpenCodeEvent part(JsonNode part) {
		if (part.path("sessionID").asString("").isEmpty()) {
			return null;
		}
		return new OpenCodeEvent.Part(part.path("sessionID").asString(), part.path("messageID").asString(""),
				part.path("id").asString(""), part.path("type").asString(""), text(part.path("tool")),
				text(part.path("state").path("status")), text(part.path("state").path("title")));
	}

	private static @Nullable String text(JsonNode node) {
		return node.isString() ? node.asString() : null;
	}

}
