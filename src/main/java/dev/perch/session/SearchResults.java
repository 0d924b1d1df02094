package dev.perch.session;

import java.util.List;

/** The sessions a search found, newest first. */
public record SearchResults(String query, List<SearchHit> items) {
}
