package dev.perch.session;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of history, oldest first within the page; the first page is the tail of the session.
 * {@code before} fetches the page just older than this one, null when this page reaches the start.
 */
public record MessagePage(List<SessionMessage> items, @Nullable String before) {
}
