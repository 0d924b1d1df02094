package dev.perch.session;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One message of a session's history, normalised across agents.
 *
 * @param role {@code user}, {@code assistant} or {@code tool} (tool results sent back to the model)
 * @param agentId the Claude Code subagent that wrote it, null in the main conversation
 * @param usage the tokens the agent recorded for this message, when it recorded any
 */
public record SessionMessage(String id, String role, @Nullable Instant timestamp, @Nullable String model,
		List<MessagePart> parts, @Nullable MessageUsage usage, @Nullable String agentId) {
}
