package dev.perch.chat;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.perch.opencode.OpenCodeServers;
import dev.perch.session.LiveOpenCode;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Gives the session module the workspace's running OpenCode server: a session is deleted through it, so
 * the server forgets it too, and read through it. Never starts a server. An unreachable one fails the
 * delete with its problem (502/504) rather than deleting from storage under it; a read it fails is
 * empty, and the session module reads storage instead.
 */
@Component
class LiveOpenCodeSessions implements LiveOpenCode {

	private static final Logger log = LoggerFactory.getLogger(LiveOpenCodeSessions.class);

	private final OpenCodeServers servers;

	LiveOpenCodeSessions(OpenCodeServers servers) {
		this.servers = servers;
	}

	@Override
	public Mono<Boolean> delete(String workspace, String sessionId) {
		return servers.callIfRunning(workspace, client -> client.deleteSession(sessionId));
	}

	@Override
	public Mono<JsonNode> session(String workspace, String sessionId) {
		return servers.callIfRunning(workspace, client -> client.sessionInfo(sessionId))
			.onErrorResume(error -> unanswered(workspace, error));
	}

	@Override
	public Mono<List<JsonNode>> messages(String workspace, String sessionId, int limit) {
		return servers.callIfRunning(workspace, client -> client.messages(sessionId, limit))
			.onErrorResume(error -> unanswered(workspace, error));
	}

	private static <T> Mono<T> unanswered(String workspace, Throwable error) {
		log.warn("OpenCode server of workspace '{}' did not answer a read ({}); reading its storage", workspace,
				error.getMessage());
		return Mono.empty();
	}

}
