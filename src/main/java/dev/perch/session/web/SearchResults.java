package dev.perch.session.web;

import java.util.List;

import dev.perch.session.SearchHit;

/** The sessions a search found, newest first. */
public record SearchResults(String query, List<SearchHit> items) {
}
