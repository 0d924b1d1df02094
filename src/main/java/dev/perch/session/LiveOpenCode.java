package dev.perch.session;

import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The workspace's running OpenCode server, as far as the session module needs it. The chat module, which
 * owns the servers, implements it (the session module must not depend on {@code opencode}); without an
 * implementation, OpenCode sessions are read and deleted through OpenCode's storage only. No method starts
 * a server: each is empty when none runs for the workspace.
 */
public interface LiveOpenCode {

	/**
	 * Deletes the session through the workspace's running OpenCode server, so the server forgets it too
	 * (deleting rows under a running server would leave it serving a session that no longer exists).
	 *
	 * @return {@code true} when deleted, {@code false} when the server does not know the session, empty when
	 * no server runs for the workspace (the caller then deletes from storage)
	 */
	Mono<Boolean> delete(String workspace, String sessionId);

	/**
	 * The session as the running server answers {@code GET /session/{id}} (title, directory, time); empty
	 * when no server runs, it does not know the session, or it fails to answer (storage is then read: a read
	 * is as safe from the database as through the server).
	 */
	Mono<JsonNode> session(String workspace, String sessionId);

	/**
	 * The session's newest {@code limit} messages as the running server answers them ({@code {info, parts}},
	 * oldest first); empty as for {@link #session}.
	 */
	Mono<List<JsonNode>> messages(String workspace, String sessionId, int limit);

}
