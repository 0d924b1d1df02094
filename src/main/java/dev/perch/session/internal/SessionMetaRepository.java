package dev.perch.session.internal;

import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.data.r2dbc.repository.Modifying;
import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface SessionMetaRepository extends ReactiveCrudRepository<SessionMeta, Long> {

	Flux<SessionMeta> findByWorkspace(String workspace);

	Mono<SessionMeta> findByWorkspaceAndAgentAndSessionId(String workspace, String agent, String sessionId);

	/** A page newest first: rows strictly after the cursor {@code (updatedAt, id)} in that order. */
	@Query("SELECT * FROM session_meta WHERE workspace = :workspace AND agent IN (:agents)"
			+ " AND (updated_at < :updatedAt OR (updated_at = :updatedAt AND id < :id))"
			+ " ORDER BY updated_at DESC, id DESC LIMIT :limit")
	Flux<SessionMeta> page(String workspace, Collection<String> agents, Instant updatedAt, long id, int limit);

	@Query("SELECT * FROM session_meta WHERE workspace = :workspace AND agent IN (:agents) ORDER BY updated_at DESC, id DESC")
	Flux<SessionMeta> newestFirst(String workspace, Collection<String> agents);

	@Query("SELECT * FROM session_meta WHERE last_accessed_at IS NOT NULL ORDER BY last_accessed_at DESC, id DESC LIMIT :limit")
	Flux<SessionMeta> recent(int limit);

	@Modifying
	@Query("UPDATE session_meta SET name = :name WHERE id = :id")
	Mono<Integer> rename(long id, @Nullable String name);

	@Modifying
	@Query("UPDATE session_meta SET last_accessed_at = :at WHERE id = :id")
	Mono<Integer> touch(long id, Instant at);

	/** Updates what the reader found, leaving the user's name and last access alone. */
	@Modifying
	@Query("UPDATE session_meta SET title = :title, first_prompt = :firstPrompt, project_directory = :projectDirectory,"
			+ " message_count = :messageCount, models = :models, created_at = :createdAt, updated_at = :updatedAt,"
			+ " source_path = :sourcePath, source_size = :sourceSize, source_mtime = :sourceMtime,"
			+ " parse_errors = :parseErrors, indexed_at = :indexedAt WHERE id = :id")
	Mono<Integer> updateSummary(long id, @Nullable String title, @Nullable String firstPrompt,
			@Nullable String projectDirectory, int messageCount, String models, @Nullable Instant createdAt,
			Instant updatedAt, String sourcePath, long sourceSize, long sourceMtime, int parseErrors, Instant indexedAt);

	@Modifying
	@Query("DELETE FROM session_meta WHERE workspace = :workspace")
	Mono<Integer> deleteByWorkspace(String workspace);

}
