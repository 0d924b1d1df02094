package dev.perch.session;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** One page of sessions, newest first; {@code nextCursor} fetches the next (older) page, null on the last one. */
public record SessionPage(List<AgentSession> items, @Nullable String nextCursor) {
}
