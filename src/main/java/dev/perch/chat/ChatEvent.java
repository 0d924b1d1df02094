package dev.perch.chat;

import java.util.Set;

import org.springframework.http.codec.ServerSentEvent;

import dev.perch.shared.web.EncodedJson;

/**
 * One event of a session's stream in Perch's vocabulary ({@code docs/opencode.md}), numbered per session.
 *
 * @param data a JSON-serialisable value: a map, a record, or a problem's map for {@code error}
 * @param encoded the data as every viewer's stream writes it: encoded once, by the first
 */
record ChatEvent(long id, String type, Object data, EncodedJson encoded) {

	ChatEvent(long id, String type, Object data) {
		this(id, type, data, EncodedJson.of(data));
	}

	static final String MESSAGE_STARTED = "message.started";

	static final String TEXT_DELTA = "text.delta";

	static final String TOOL = "tool";

	static final String USAGE = "usage";

	static final String DONE = "done";

	static final String ERROR = "error";

	private static final Set<String> OUTPUT = Set.of(TEXT_DELTA, TOOL, DONE, ERROR);

	/** The last event of a turn: {@code done} or {@code error}. */
	boolean terminal() {
		return DONE.equals(type) || ERROR.equals(type);
	}

	/** Something the model or OpenCode produced for the user, or the end: what the first-event bound waits for. */
	boolean output() {
		return OUTPUT.contains(type);
	}

	ServerSentEvent<Object> toSse() {
		return ServerSentEvent.<Object>builder(encoded).id(Long.toString(id)).event(type).build();
	}

}
