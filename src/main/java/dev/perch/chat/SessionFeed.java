package dev.perch.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;

import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.OpenCodeEvent.AssistantMessage;
import dev.perch.shared.web.Problems;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * The events of one session in Perch's vocabulary: numbered, kept in a bounded buffer for
 * {@code Last-Event-ID} replay, and fanned out live. It reads the OpenCode events of its session and
 * decides when a turn ends: at the session's idle after it went busy, once every assistant message of
 * the turn is complete (on errors and aborts the final message arrives just after the first idle).
 */
final class SessionFeed {

	private static final String ABORTED = "MessageAbortedError";

	private static final int MEMORY = 512;

	/** Events a viewer may fall behind before it is ended with {@code viewer-too-slow}. */
	static final int VIEWER_BUFFER = 4096;

	final String workspace;

	final String sessionId;

	private final IntSupplier capacity;

	private final int viewerBuffer;

	private final ArrayDeque<ChatEvent> buffer = new ArrayDeque<>();

	/** The live viewers; an event is appended and sent to them under the feed's lock. */
	private final List<FluxSink<ChatEvent>> viewers = new CopyOnWriteArrayList<>();

	private long lastId;

	private boolean busy;

	private boolean awaitingEnd;

	private @Nullable String error;

	private @Nullable String errorMessage;

	private final Map<String, AssistantMessage> pending = new LinkedHashMap<>();

	private final Map<String, String> partTypes = bounded();

	private final Map<String, String> toolStates = bounded();

	private final Map<String, Boolean> seenMessages = bounded();

	private final Map<String, Boolean> completedMessages = bounded();

	SessionFeed(String workspace, String sessionId, IntSupplier capacity) {
		this(workspace, sessionId, capacity, VIEWER_BUFFER);
	}

	SessionFeed(String workspace, String sessionId, IntSupplier capacity, int viewerBuffer) {
		this.workspace = workspace;
		this.sessionId = sessionId;
		this.capacity = capacity;
		this.viewerBuffer = viewerBuffer;
	}

	/** Whether every event after {@code afterId} is still in the buffer (none has been dropped to make room). */
	synchronized boolean keepsAllAfter(long afterId) {
		return afterId >= lastId || (!buffer.isEmpty() && buffer.peekFirst().id() <= afterId + 1);
	}

	/** The id of the newest event so far (0 before the first). */
	synchronized long lastId() {
		return lastId;
	}

	/**
	 * Buffered events after {@code afterId}, then live ones, without gaps or repeats. An id this feed never
	 * reached (from before a restart, or from a feed that was forgotten) counts as "now". A viewer that falls
	 * more than {@code viewerBuffer} events behind gets a final {@code error} event ({@code viewer-too-slow})
	 * after the events it was still owed, and its stream ends; the feed and its other viewers go on.
	 */
	Flux<ChatEvent> follow(long afterId) {
		return Flux.defer(() -> {
			long[] overflowAt = { 0 };
			return viewer(afterId)
				.onBackpressureBuffer(viewerBuffer, event -> overflowAt[0] = event.id())
				.onErrorResume(Exceptions::isOverflow, error -> Mono.just(tooSlow(overflowAt[0] - 1)));
		});
	}

	/** New events only. */
	Flux<ChatEvent> live() {
		return viewer(Long.MAX_VALUE).onBackpressureBuffer(VIEWER_BUFFER);
	}

	/**
	 * The buffered events after {@code afterId}, then every event appended after them. Both callers put an
	 * {@code onBackpressureBuffer} right behind, which asks for everything, so the sink passes each event
	 * straight on ({@code IGNORE}: no queue of its own) and the bound is that buffer's.
	 */
	private Flux<ChatEvent> viewer(long afterId) {
		return Flux.create(sink -> register(sink, afterId), FluxSink.OverflowStrategy.IGNORE);
	}

	/**
	 * Replays and registers under the feed's lock, the one {@link #append} holds: no event can be appended
	 * between the last replayed event and the first live one, so a viewer sees every id once, in order.
	 */
	private synchronized void register(FluxSink<ChatEvent> sink, long afterId) {
		if (afterId < lastId) {
			for (ChatEvent event : buffer) {
				if (event.id() > afterId) {
					sink.next(event);
				}
			}
		}
		viewers.add(sink);
		sink.onDispose(() -> viewers.remove(sink));
	}

	private ChatEvent tooSlow(long lastDelivered) {
		ProblemDetail problem = Problems.of(ChatProblems.VIEWER_TOO_SLOW, "This stream fell more than " + viewerBuffer
				+ " events behind the session and was ended; reconnect with Last-Event-ID " + lastDelivered
				+ " to continue from the replay buffer.");
		problem.setProperty("lastEventId", lastDelivered);
		return new ChatEvent(lastDelivered, ChatEvent.ERROR, Problems.toMap(problem));
	}

	/** Numbers the event, keeps it, and sends it to every live viewer. */
	synchronized ChatEvent append(String type, Object data) {
		ChatEvent event = new ChatEvent(++lastId, type, data);
		buffer.addLast(event);
		while (buffer.size() > Math.max(1, capacity.getAsInt())) {
			buffer.removeFirst();
		}
		for (FluxSink<ChatEvent> viewer : viewers) {
			viewer.next(event);
		}
		return event;
	}

	synchronized ChatEvent fail(ProblemDetail problem) {
		resetTurn();
		return append(ChatEvent.ERROR, Problems.toMap(problem));
	}

	/** Turns one OpenCode event of this session into zero or more of ours; usage records go to {@code usage}. */
	synchronized List<ChatEvent> accept(OpenCodeEvent event, List<TurnUsage> usage) {
		List<ChatEvent> out = new ArrayList<>();
		if (event instanceof OpenCodeEvent.Status status) {
			status(status, out);
		}
		else if (event instanceof OpenCodeEvent.SessionError failure) {
			error = failure.name();
			errorMessage = failure.message();
		}
		else if (event instanceof AssistantMessage message) {
			message(message, out, usage);
		}
		else if (event instanceof OpenCodeEvent.Part part) {
			part(part, out);
		}
		else if (event instanceof OpenCodeEvent.Delta delta) {
			delta(delta, out);
		}
		return out;
	}

	private void status(OpenCodeEvent.Status status, List<ChatEvent> out) {
		if (status.busy()) {
			busy = true;
			awaitingEnd = false;
			return;
		}
		if (!busy) {
			return;
		}
		busy = false;
		if (pending.isEmpty()) {
			end(out);
		}
		else {
			awaitingEnd = true;
		}
	}

	private void message(AssistantMessage message, List<ChatEvent> out, List<TurnUsage> usage) {
		if (seenMessages.put(message.messageId(), Boolean.TRUE) == null) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("messageId", message.messageId());
			putIfPresent(data, "model", message.modelId());
			putIfPresent(data, "provider", message.providerId());
			out.add(append(ChatEvent.MESSAGE_STARTED, data));
		}
		if (!message.completed()) {
			pending.put(message.messageId(), message);
			return;
		}
		pending.remove(message.messageId());
		if (completedMessages.put(message.messageId(), Boolean.TRUE) != null) {
			return;
		}
		if (message.errorName() != null && error == null) {
			error = message.errorName();
		}
		TurnUsage record = usage(message);
		usage.add(record);
		out.add(append(ChatEvent.USAGE, record));
		if (awaitingEnd && pending.isEmpty()) {
			end(out);
		}
	}

	private void part(OpenCodeEvent.Part part, List<ChatEvent> out) {
		partTypes.put(part.partId(), part.type());
		if (!"tool".equals(part.type()) || part.toolStatus() == null
				|| part.toolStatus().equals(toolStates.put(part.partId(), part.toolStatus()))) {
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("messageId", part.messageId());
		data.put("partId", part.partId());
		putIfPresent(data, "tool", part.tool());
		data.put("status", part.toolStatus());
		putIfPresent(data, "title", part.title());
		out.add(append(ChatEvent.TOOL, data));
	}

	private void delta(OpenCodeEvent.Delta delta, List<ChatEvent> out) {
		if (!"text".equals(delta.field())) {
			return;
		}
		String kind = "reasoning".equals(partTypes.get(delta.partId())) ? "reasoning" : "text";
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("messageId", delta.messageId());
		data.put("partId", delta.partId());
		data.put("kind", kind);
		data.put("text", delta.delta());
		out.add(append(ChatEvent.TEXT_DELTA, data));
	}

	private void end(List<ChatEvent> out) {
		String name = error;
		String message = errorMessage;
		resetTurn();
		if (name == null) {
			out.add(append(ChatEvent.DONE, Map.of("status", "completed")));
		}
		else if (ABORTED.equals(name)) {
			out.add(append(ChatEvent.DONE, Map.of("status", "aborted")));
		}
		else {
			ProblemDetail problem = Problems.of(ChatProblems.TURN_FAILED, "OpenCode ended the turn with "
					+ name + (message == null ? "" : ": " + message) + ".");
			problem.setProperty("upstreamError", name);
			out.add(append(ChatEvent.ERROR, Problems.toMap(problem)));
		}
	}

	private void resetTurn() {
		busy = false;
		awaitingEnd = false;
		error = null;
		errorMessage = null;
		pending.clear();
	}

	private TurnUsage usage(AssistantMessage message) {
		long completedAt = message.completedAt() == null ? message.createdAt() : message.completedAt();
		return new TurnUsage("opencode:" + message.messageId(), Instant.ofEpochMilli(completedAt), workspace,
				"opencode", sessionId, message.messageId(), message.modelId(), message.providerId(),
				message.tokens().input(), message.tokens().output(), message.tokens().reasoning(),
				message.tokens().cacheRead(), message.tokens().cacheWrite(), message.cost(),
				Math.max(0, completedAt - message.createdAt()), message.errorName());
	}

	private static void putIfPresent(Map<String, Object> data, String key, @Nullable Object value) {
		if (value != null) {
			data.put(key, value);
		}
	}

	private static <K, V> Map<K, V> bounded() {
		return new LinkedHashMap<>(16, 0.75f, false) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
				return size() > MEMORY;
			}
		};
	}

}
