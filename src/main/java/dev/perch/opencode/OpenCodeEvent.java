package dev.perch.opencode;

import org.jspecify.annotations.Nullable;

/** The events of an OpenCode server that Perch acts on, read from its global event stream. */
public sealed interface OpenCodeEvent {

	/** The session an event is about, or null for server events. */
	default @Nullable String sessionId() {
		return null;
	}

	/** The stream is open (OpenCode's {@code server.connected}). */
	record Connected() implements OpenCodeEvent {
	}

	/** OpenCode's keep-alive, every 10 s. */
	record Heartbeat() implements OpenCodeEvent {
	}

	/** A session went busy or idle ({@code session.status}, {@code session.idle}). */
	record Status(String sessionId, boolean busy) implements OpenCodeEvent {
	}

	/** A turn failed or was aborted ({@code session.error}); {@code name} is e.g. {@code MessageAbortedError}. */
	record SessionError(String sessionId, String name, @Nullable String message) implements OpenCodeEvent {
	}

	/** An assistant message was created or changed; {@code completed} once it is finished. */
	record AssistantMessage(String sessionId, String messageId, @Nullable String modelId, @Nullable String providerId,
			Tokens tokens, @Nullable Double cost, long createdAt, @Nullable Long completedAt, @Nullable String errorName)
			implements OpenCodeEvent {

		public boolean completed() {
			return completedAt != null;
		}

	}

	/** Token counts as OpenCode reports them for one assistant message. */
	record Tokens(long input, long output, long reasoning, long cacheRead, long cacheWrite) {

		public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0);

	}

	/** A part of a message was created or changed: {@code text}, {@code reasoning}, {@code tool}, … */
	record Part(String sessionId, String messageId, String partId, String type, @Nullable String tool,
			@Nullable String toolStatus, @Nullable String title) implements OpenCodeEvent {
	}

	/** A streamed piece of a part's text ({@code message.part.delta}). */
	record Delta(String sessionId, String messageId, String partId, String field, String delta) implements OpenCodeEvent {
	}

}
