package dev.perch.opencode.wire;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.OpenCodeEvent.AssistantMessage;
import dev.perch.opencode.OpenCodeEvent.Tokens;
import tools.jackson.core.JacksonException;
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
			JsonNode root = json.readTree(data);
			JsonNode payload = root.has("payload") ? root.get("payload") : root;
			return Optional.ofNullable(event(payload.path("type").asString(""), payload.path("properties")));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static @Nullable OpenCodeEvent event(String type, JsonNode properties) {
		String session = properties.path("sessionID").asString("");
		return switch (type) {
			case "server.connected" -> new OpenCodeEvent.Connected();
			case "server.heartbeat" -> new OpenCodeEvent.Heartbeat();
			case "session.status" -> session.isEmpty() ? null
					: new OpenCodeEvent.Status(session, !"idle".equals(properties.path("status").path("type").asString("")));
			case "session.idle" -> session.isEmpty() ? null : new OpenCodeEvent.Status(session, false);
			case "session.error" -> session.isEmpty() ? null : new OpenCodeEvent.SessionError(session,
					properties.path("error").path("name").asString("UnknownError"),
					text(properties.path("error").path("data").path("message")));
			case "message.updated" -> message(properties.path("info"));
			case "message.part.updated" -> part(properties.path("part"));
			case "message.part.delta" -> session.isEmpty() ? null : new OpenCodeEvent.Delta(session,
					properties.path("messageID").asString(""), properties.path("partID").asString(""),
					properties.path("field").asString(""), properties.path("delta").asString(""));
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
