/**
 * Chat with OpenCode sessions: create a session, send a message and stream the turn as SSE in Perch's
 * own event vocabulary, follow a session with {@code Last-Event-ID} replay, abort a turn. Usage of
 * every finished assistant message leaves through {@link dev.perch.chat.UsageRecorder}.
 */
@NullMarked
package dev.perch.chat;

import org.jspecify.annotations.NullMarked;
