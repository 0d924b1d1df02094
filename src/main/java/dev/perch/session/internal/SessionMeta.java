package dev.perch.session.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;

import dev.perch.session.AgentSession;

/** A row of the session index ({@code session_meta}). {@code models} is comma-separated. */
public record SessionMeta(@Id @Nullable Long id, String workspace, String agent, String sessionId, @Nullable String name,
		@Nullable Instant lastAccessedAt, @Nullable String title, @Nullable String firstPrompt,
		@Nullable String projectDirectory, int messageCount, String models, @Nullable Instant createdAt,
		Instant updatedAt, String sourcePath, long sourceSize, long sourceMtime, int parseErrors, Instant indexedAt) {

	List<String> modelList() {
		return models.isEmpty() ? List.of() : Arrays.asList(models.split(","));
	}

	boolean sameSource(SessionSource source) {
		return sourcePath.equals(source.file().toString()) && sourceSize == source.size()
				&& sourceMtime == source.modifiedMillis();
	}

	public AgentSession toResponse() {
		return new AgentSession(workspace, agent, sessionId, title != null ? title : firstPrompt, name, projectDirectory,
				messageCount, modelList(), createdAt, updatedAt, lastAccessedAt, sourceSize, parseErrors);
	}

}
