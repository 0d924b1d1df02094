package dev.perch.session;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Usage of one model request as an agent recorded it, for the usage collector. No prompt or response text.
 *
 * @param dedupeKey stable across re-reads, resumes and forks: {@code claude:<message.id>:<requestId>},
 * {@code codex:<turn id>:<cumulative total>}, {@code opencode:<message id>}
 * @param sessionId the session credited (Claude Code: {@code requestSessionId} when a fork copied the line)
 * @param subagentId the Claude Code subagent that made the request, null otherwise
 * @param input input tokens excluding cached input (Codex: input - cached)
 * @param output output tokens, reasoning included
 * @param cacheWrite5m cache writes with a 5-minute lifetime (OpenCode's cache write; Codex has none)
 * @param cacheWrite1h cache writes with a 1-hour lifetime (Claude Code only)
 * @param reasoning reasoning tokens, informational: already inside {@code output}
 * @param cost the cost the agent reported (OpenCode), null where it reports none
 */
public record UsageEntry(String dedupeKey, String workspace, Agent agent, String sessionId, @Nullable String subagentId,
		Instant occurredAt, @Nullable String model, @Nullable String provider, long input, long output, long cacheRead,
		long cacheWrite5m, long cacheWrite1h, long reasoning, @Nullable Double cost) {
}
