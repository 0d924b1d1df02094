package dev.perch.chat;

import org.springframework.stereotype.Component;

import dev.perch.opencode.OpenCodeServers;
import dev.perch.session.LiveOpenCode;
import reactor.core.publisher.Mono;

/**
 * Gives the session module the workspace's running OpenCode server: a session is deleted through it, so
 * the server forgets it too. Never starts a server; an unreachable one fails the delete with its problem
 * (502/504) rather than deleting from storage under it.
 */
@Component
class LiveOpenCodeSessions implements LiveOpenCode {

	private final OpenCodeServers servers;

	LiveOpenCodeSessions(OpenCodeServers servers) {
		this.servers = servers;
	}

	@Override
	public Mono<Boolean> delete(String workspace, String sessionId) {
		return servers.callIfRunning(workspace, client -> client.deleteSession(sessionId));
	}

}
