package dev.perch.chat;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.opencode.OpenCodeServerState;
import dev.perch.shared.web.EventStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/workspaces/{workspace}")
@Tag(name = "Chat")
@Validated
class ChatController {

	private final ChatService chat;

	private final EventStreams streams;

	ChatController(ChatService chat, EventStreams streams) {
		this.chat = chat;
		this.streams = streams;
	}

	@PostMapping("/sessions")
	@Operation(summary = "Start a new OpenCode session in the workspace (optional title and model)")
	Mono<ResponseEntity<SessionResponse>> create(@PathVariable String workspace,
			@Valid @RequestBody(required = false) @Nullable CreateSessionRequest request) {
		return chat.create(workspace, request == null ? new CreateSessionRequest(null, null) : request)
			.map(session -> ResponseEntity.created(URI.create("/api/v1/workspaces/" + workspace + "/sessions/opencode/"
					+ session.id())).body(session));
	}

	@PostMapping("/sessions/opencode/{id}/messages")
	@Operation(summary = "Send a message; the answer is the turn as SSE (message.started, text.delta, tool, usage, done | error)",
			description = "With an Idempotency-Key the prompt is never sent twice for the session: a repeat gets the same turn's "
					+ "events, or, for a key used before a restart of Perch (kept 24 hours) or whose turn has left the replay "
					+ "buffer, 409 idempotency-key-used. "
					+ "404 session-not-found for a session the workspace's OpenCode does not know; 409 turn-in-progress "
					+ "while another turn sent through Perch runs.")
	Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> send(@PathVariable String workspace, @PathVariable String id,
			@Valid @RequestBody SendMessageRequest request,
			@RequestHeader(name = "Idempotency-Key", required = false) @Nullable @Size(max = 200) String idempotencyKey) {
		return chat.send(workspace, id, request, idempotencyKey).map(this::stream);
	}

	@GetMapping("/sessions/opencode/{id}/events")
	@Operation(summary = "Follow the session live; Last-Event-ID replays what was missed from a bounded buffer (0: all of it)")
	Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> events(@PathVariable String workspace, @PathVariable String id,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		return chat.follow(workspace, id, parse(lastEventId)).map(this::stream);
	}

	@PostMapping("/sessions/opencode/{id}/abort")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Abort the session's running turn; 404 for an unknown session")
	Mono<Void> abort(@PathVariable String workspace, @PathVariable String id) {
		return chat.abort(workspace, id);
	}

	@GetMapping("/opencode")
	@Operation(summary = "The workspace's OpenCode server: port, pid, version, started, last used")
	Mono<OpenCodeServerState> server(@PathVariable String workspace) {
		return chat.server(workspace);
	}

	private ResponseEntity<Flux<ServerSentEvent<Object>>> stream(Flux<ChatEvent> events) {
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.body(streams.withHeartbeat(events.map(ChatEvent::toSse), problem -> problem));
	}

	/** The id to replay after; without a valid {@code Last-Event-ID}, "now": live events only ({@code 0} replays all that is buffered). */
	private static long parse(@Nullable String lastEventId) {
		if (lastEventId == null || !lastEventId.strip().matches("\\d{1,18}")) {
			return Long.MAX_VALUE;
		}
		return Long.parseLong(lastEventId.strip());
	}

}
