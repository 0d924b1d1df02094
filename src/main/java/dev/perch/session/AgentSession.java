package dev.perch.session;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A session as the API shows it, the same shape for every agent.
 *
 * @param title the agent's title (Claude Code {@code custom-title}, OpenCode title) or else the first prompt, trimmed
 * @param name the name the user gave it in Perch (never written to the agent's files)
 * @param projectDirectory the directory the agent worked in, as the agent recorded it
 * @param messageCount user and assistant messages (Claude Code subagent messages included)
 * @param models every model that answered, in order of first use
 * @param parseErrors lines of the source that could not be read (corrupt, truncated or too long), skipped
 */
public record AgentSession(String workspace, String agent, String id, @Nullable String title, @Nullable String name,
		@Nullable String projectDirectory, int messageCount, List<String> models, @Nullable Instant createdAt,
		Instant updatedAt, @Nullable Instant lastAccessedAt, long sizeBytes, int parseErrors) {
}
