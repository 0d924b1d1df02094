package dev.perch.session;

import org.jspecify.annotations.Nullable;

/** A session whose content contains the query, with a short snippet around the first match. */
public record SearchHit(String agent, String id, @Nullable String title, @Nullable String name, String snippet) {
}
