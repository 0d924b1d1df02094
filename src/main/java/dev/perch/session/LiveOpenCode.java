package dev.perch.session;

import reactor.core.publisher.Mono;

/**
 * The workspace's running OpenCode server, as far as the session module needs it. The chat module, which
 * owns the servers, implements it (the session module must not depend on {@code opencode}); without an
 * implementation, OpenCode sessions are read and deleted through OpenCode's storage only.
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

}
