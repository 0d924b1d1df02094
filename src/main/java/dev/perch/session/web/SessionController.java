package dev.perch.session.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.session.AgentSession;
import dev.perch.session.AgentSessions;
import dev.perch.session.MessagePage;
import dev.perch.session.SearchResults;
import dev.perch.session.SessionPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Mono;

/**
 * Agent sessions of workspaces. Starting an OpenCode session and sending it messages belong to the chat
 * module ({@code POST .../sessions}, {@code POST .../sessions/opencode/{id}/messages}); not mapped here.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Sessions")
class SessionController {

	private static final String SESSION = "/workspaces/{workspace}/sessions/{agent}/{id}";

	private final AgentSessions sessions;

	SessionController(AgentSessions sessions) {
		this.sessions = sessions;
	}

	@GetMapping("/workspaces/{workspace}/sessions")
	@Operation(summary = "Sessions of every agent in the workspace, newest first, cursor-paged")
	Mono<SessionPage> list(@PathVariable String workspace, @RequestParam(required = false) @Nullable String agent,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
			@RequestParam(required = false) @Nullable String cursor) {
		return sessions.list(workspace, agent, limit, cursor);
	}

	@GetMapping("/sessions/recent")
	@Operation(summary = "Sessions of every workspace by last access (POST .../access records one)")
	Mono<java.util.List<AgentSession>> recent(@RequestParam(defaultValue = "20") @Min(1) @Max(200) int limit) {
		return sessions.recent(limit).collectList();
	}

	@GetMapping("/workspaces/{workspace}/sessions/search")
	@Operation(summary = "Sessions whose name, title or content contains q (fixed string, case-insensitive), newest first; truncated when the byte or time budget stopped it")
	Mono<SearchResults> search(@PathVariable String workspace, @RequestParam String q,
			@RequestParam(required = false) @Nullable String agent) {
		return sessions.search(workspace, q, agent);
	}

	@GetMapping(SESSION)
	@Operation(summary = "One session's metadata (OpenCode: title, directory and times through its running server when one runs)")
	Mono<AgentSession> get(@PathVariable String workspace, @PathVariable String agent, @PathVariable String id) {
		return sessions.get(workspace, agent, id);
	}

	@GetMapping(SESSION + "/messages")
	@Operation(summary = "History from the tail, oldest first within a page; 'before' of a page fetches the older one (OpenCode: the newest page through its running server when one runs)")
	Mono<MessagePage> messages(@PathVariable String workspace, @PathVariable String agent, @PathVariable String id,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
			@RequestParam(required = false) @Nullable String before) {
		return sessions.messages(workspace, agent, id, limit, before);
	}

	@PostMapping(SESSION + "/access")
	@Operation(summary = "Record that the session was opened now (reads never record access)")
	Mono<AgentSession> access(@PathVariable String workspace, @PathVariable String agent, @PathVariable String id) {
		return sessions.recordAccess(workspace, agent, id);
	}

	@PatchMapping(SESSION)
	@Operation(summary = "Set or clear (null or blank) the session's name; stored in Perch, never in the agent's files")
	Mono<AgentSession> rename(@PathVariable String workspace, @PathVariable String agent, @PathVariable String id,
			@Valid @RequestBody RenameRequest request) {
		return sessions.rename(workspace, agent, id, request.name());
	}

	@DeleteMapping(SESSION)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete the session from the agent's storage and from the index")
	Mono<Void> delete(@PathVariable String workspace, @PathVariable String agent, @PathVariable String id) {
		return sessions.delete(workspace, agent, id);
	}

}
