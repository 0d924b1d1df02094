package dev.perch.session;

import java.util.List;

/**
 * The sessions a search found, newest first.
 *
 * @param truncated whether the search stopped at its byte or time budget before it had searched every
 * session (then sessions older than the last searched one were not looked at)
 * @param sessionsSearched how many sessions were searched (newest first)
 * @param sessionsTotal how many sessions the workspace has (of the agent asked for)
 */
public record SearchResults(String query, List<SearchHit> items, boolean truncated, int sessionsSearched,
		int sessionsTotal) {
}
