package dev.perch.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;

import dev.perch.opencode.OpenCodeClient;
import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.OpenCodeServerState;
import dev.perch.opencode.OpenCodeServers;
import dev.perch.opencode.OpenCodeSession;
import dev.perch.opencode.OpenCodeLimits;
import dev.perch.opencode.OpenCodeSettings.Limits;
import dev.perch.opencode.SessionIds;
import dev.perch.shared.settings.SettingType;
import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.shared.web.Problems;
import dev.perch.workspace.WorkspaceService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends messages to OpenCode sessions and streams their turns. Before anything is sent the session is
 * looked up (bounded): an unknown one is a 404 at once. A turn runs on its own once started: a viewer
 * that leaves does not stop it (it can come back with {@code Last-Event-ID}); Perch's own bounds (first
 * output, whole turn) end it with an {@code error} event and abort it upstream.
 */
@Service
class ChatService {

	private static final Logger log = LoggerFactory.getLogger(ChatService.class);

	private static final int MAX_FEEDS = 1000;

	private static final int MAX_IDEMPOTENCY_KEYS = 10_000;

	private final OpenCodeServers servers;

	private final OpenCodeLimits settings;

	private final WorkspaceService workspaces;

	private final UsageRecorder usage;

	private final IdempotencyKeys idempotencyKeys;

	private final SessionFeeds feeds;

	private final Map<String, Turn> turns = lru(MAX_IDEMPOTENCY_KEYS);

	private final Map<String, Turn> running = new ConcurrentHashMap<>();

	private final Map<String, String> sessionModels = lru(MAX_FEEDS);

	private volatile int replayBuffer = 1000;

	ChatService(OpenCodeServers servers, OpenCodeLimits settings, WorkspaceService workspaces, UsageRecorder usage,
			IdempotencyKeys idempotencyKeys) {
		this.servers = servers;
		this.idempotencyKeys = idempotencyKeys;
		this.settings = settings;
		this.workspaces = workspaces;
		this.usage = usage;
		this.feeds = new SessionFeeds(MAX_FEEDS, SessionFeed.VIEWER_BUFFER, () -> replayBuffer, this::read, this::forget);
	}

	Mono<SessionResponse> create(String workspace, CreateSessionRequest request) {
		return workspaces.homeInside(workspace)
			.flatMap(home -> servers.call(workspace, client -> client.createSession(home.toString(), request.title())))
			.doOnNext(session -> remember(session.id(), request.model()))
			.map(session -> new SessionResponse("opencode", session.id(), workspace, session.directory(),
					session.title(), request.model(), session.createdAt()));
	}

	/**
	 * Checks the session and answers the turn's events. Errors before the stream (unknown workspace or
	 * session, OpenCode down or slow, a turn already running) are problems with their status; later ones
	 * end the stream with an {@code error} event.
	 */
	Mono<Flux<ChatEvent>> send(String workspace, String sessionId, SendMessageRequest request,
			@Nullable String idempotencyKey) {
		return Mono.fromCallable(() -> SessionIds.check(sessionId))
			.then(settings.current())
			.flatMap(limits -> {
				this.replayBuffer = limits.replayBuffer();
				String key = idempotencyKey == null ? null : sessionKey(workspace, sessionId) + "/" + idempotencyKey;
				Turn earlier = key == null ? null : turns.get(key);
				if (earlier != null) {
					return Mono.fromCallable(() -> rejoin(earlier, workspace, sessionId));
				}
				return lookup(workspace, sessionId).flatMap(session -> {
					Turn turn = start(workspace, session, request, idempotencyKey, key, limits);
					// a request that leaves during the claim (a round trip to the database) must not leave behind a
					// turn registered as running that nobody will ever start
					return turn.claim().flatMap(claimed -> claimed ? Mono.just(turn.view()) : refused(workspace, session.id(), key))
						.doOnCancel(() -> {
							if (!turn.started().get()) {
								running.remove(sessionKey(workspace, session.id()), turn);
							}
						});
				});
			});
	}

	/**
	 * The answer to a message whose key was used already but whose turn this Perch does not have (it was
	 * sent before a restart, or forgotten): nothing is sent; the events of that turn are gone.
	 */
	private Mono<Flux<ChatEvent>> refused(String workspace, String sessionId, @Nullable String key) {
		Turn earlier = key == null ? null : turns.get(key);
		if (earlier != null) {
			return Mono.fromCallable(() -> rejoin(earlier, workspace, sessionId));
		}
		return Mono.error(keyUsed(workspace, sessionId, "before Perch last restarted, or too long ago for Perch "
				+ "to keep it"));
	}

	/**
	 * The events of a turn whose Idempotency-Key comes again. A turn nobody started yet (its first request left
	 * while the key was being claimed) is registered as the session's running turn first, unless another one
	 * runs. A turn whose first events have left the replay buffer is refused like a key from before a restart:
	 * replaying from there would give a later turn's events in its place.
	 */
	private Flux<ChatEvent> rejoin(Turn turn, String workspace, String sessionId) {
		if (turn.started().get() && !turn.feed().keepsAllAfter(turn.start().get())) {
			throw keyUsed(workspace, sessionId, "and the replay buffer no longer holds the start of that turn");
		}
		if (!turn.started().get()) {
			Turn running = this.running.putIfAbsent(sessionKey(workspace, sessionId), turn);
			if (running != null && running != turn) {
				throw turnInProgress(sessionId);
			}
		}
		return turn.view();
	}

	/** The key of a session in {@code running}, and the start of its keys in {@code turns}. */
	private static String sessionKey(String workspace, String sessionId) {
		return workspace + "/" + sessionId;
	}

	private static ApiException keyUsed(String workspace, String sessionId, String when) {
		return new ApiException(ChatProblems.IDEMPOTENCY_KEY_USED, "A message with this Idempotency-Key "
				+ "was already sent to session '" + sessionId + "' (within the last "
				+ SettingType.print(IdempotencyKeys.RETENTION) + "), " + when + ", so its events "
				+ "are gone; it was not sent again. Its outcome is in the session's history: GET "
				+ "/api/v1/workspaces/" + workspace + "/sessions/opencode/" + sessionId + "/messages.",
				Map.of("sessionId", sessionId));
	}

	private static ApiException turnInProgress(String sessionId) {
		return new ApiException(ChatProblems.TURN_IN_PROGRESS, "Session '" + sessionId
				+ "' is running a turn sent through Perch; follow it at .../events, abort it, or wait for it to end.",
				Map.of("sessionId", sessionId));
	}

	/** A feed forgotten by {@link SessionFeeds}: the turns kept for their keys let go of it too. */
	private void forget(SessionFeed feed) {
		synchronized (turns) {
			turns.values().removeIf(turn -> turn.feed() == feed);
		}
	}

	/** The session's events after {@code lastEventId} from the replay buffer, then live, until the viewer leaves. */
	Mono<Flux<ChatEvent>> follow(String workspace, String sessionId, long lastEventId) {
		return Mono.fromCallable(() -> SessionIds.check(sessionId))
			.then(settings.current())
			.doOnNext(limits -> this.replayBuffer = limits.replayBuffer())
			.then(lookup(workspace, sessionId))
			.map(session -> feeds.get(workspace, sessionId).follow(lastEventId, error -> Problems.toMap(problem(error))));
	}

	/** Aborts the running turn; an unknown session is a 404 (OpenCode itself would say 200). */
	Mono<Void> abort(String workspace, String sessionId) {
		return Mono.fromCallable(() -> SessionIds.check(sessionId))
			.then(lookup(workspace, sessionId))
			.flatMap(session -> servers.call(workspace, client -> client.abort(session.id(), session.directory())
				.thenReturn(true)))
			.then();
	}

	Mono<OpenCodeServerState> server(String workspace) {
		return servers.state(workspace);
	}

	private Mono<OpenCodeSession> lookup(String workspace, String sessionId) {
		return workspaces.homeInside(workspace)
			.flatMap(home -> servers.call(workspace, client -> client.session(sessionId, home.toString())));
	}

	/**
	 * The turn, registered as the session's running one; nothing is sent before it is viewed, and it is viewed
	 * only once its Idempotency-Key is claimed in the database ({@link Turn#claim}): a key this Perch, or one
	 * before a restart, already used is never sent again. A twin request (same key) that comes while the turn
	 * runs gets that turn and waits for the same claim. A request refused with {@code turn-in-progress} claims
	 * nothing. {@code key} is {@code idempotencyKey} with the workspace and session, as {@link #send} made it.
	 */
	private Turn start(String workspace, OpenCodeSession session, SendMessageRequest request,
			@Nullable String idempotencyKey, @Nullable String key, Limits limits) {
		SessionFeeds.Live live = feeds.get(workspace, session.id());
		SessionFeed feed = live.feed();
		String model = request.model() != null ? request.model() : sessionModels.get(session.id());
		Prompt prompt = new Prompt(request.text(), model, request.agent());
		String runningKey = sessionKey(workspace, session.id());
		// where the turn's events begin: moved to the feed's newest event when the turn really starts, which for a
		// turn whose first request left during the claim is when a retry sends it, maybe after other turns
		AtomicLong start = new AtomicLong(feed.lastId());
		AtomicReference<Turn> self = new AtomicReference<>();
		Mono<Boolean> claim = idempotencyKey == null ? Mono.just(true)
				: idempotencyKeys.claim(workspace, session.id(), idempotencyKey)
					.doOnNext(claimed -> {
						if (claimed) {
							turns.put(key, self.get());
						}
						else {
							running.remove(runningKey, self.get());
						}
					})
					.doOnError(error -> running.remove(runningKey, self.get()))
					// cache() never cancels its source: a request leaving during the claim is handled in send
					.cache();
		AtomicBoolean started = new AtomicBoolean();
		Turn turn = new Turn(feed, start, key, claim, started, Flux.defer(() -> {
			started.set(true);
			start.set(feed.lastId());
			return run(workspace, session, live, prompt, start.get(), limits);
		})
			.then(Mono.fromRunnable(() -> running.remove(runningKey, self.get())))
			.flux()
			.cast(ChatEvent.class)
			// runs once, on the first viewer; never cancelled by viewers leaving (bounded by the turn timeout);
			// a late viewer (same Idempotency-Key) sees it completed
			.cache(1));
		self.set(turn);
		Turn existing = running.putIfAbsent(runningKey, turn);
		if (existing != null && key != null && key.equals(existing.key())) {
			return existing;
		}
		if (existing != null) {
			throw turnInProgress(session.id());
		}
		return turn;
	}

	/** The turn: listen first, then send once the event stream is open; end at done/error or a bound. */
	private Flux<ChatEvent> run(String workspace, OpenCodeSession session, SessionFeeds.Live live, Prompt prompt,
			long start, Limits limits) {
		SessionFeed feed = live.feed();
		Flux<ChatEvent> watched = feed.live()
			.filter(event -> event.id() > start && event.output())
			.timeout(reactor.core.publisher.Mono.delay(limits.firstEventTimeout()), event -> Flux.never())
			.onErrorMap(TimeoutException.class, e -> new TurnTimeout("produced no output within "
					+ SettingType.print(limits.firstEventTimeout())))
			.mergeWith(Mono.delay(limits.turnTimeout()).then(Mono.error(() -> new TurnTimeout("did not end within "
					+ SettingType.print(limits.turnTimeout())))));
		Mono<ChatEvent> send = servers.call(workspace, client -> client.ready()
			.timeout(limits.connectTimeout())
			.then(client.prompt(session.id(), session.directory(), prompt.text(), prompt.model(), prompt.agent()))
			.then(Mono.empty()));
		return Flux.merge(watched, live.driver().ignoreElements().cast(ChatEvent.class), send)
			.takeUntil(ChatEvent::terminal)
			.onErrorResume(error -> giveUp(workspace, session, feed, error));
	}

	private Mono<ChatEvent> giveUp(String workspace, OpenCodeSession session, SessionFeed feed, Throwable error) {
		ProblemDetail problem = problem(error);
		Mono<Void> abort = !(error instanceof TurnTimeout) ? Mono.empty()
				: servers.call(workspace, client -> client.abort(session.id(), session.directory()).thenReturn(true))
					.then()
					.onErrorResume(e -> Mono.fromRunnable(() -> log.warn("Could not abort turn of {} after {}: {}",
							session.id(), error.getMessage(), e.getMessage())));
		return abort.then(Mono.fromSupplier(() -> feed.fail(problem)));
	}

	private ProblemDetail problem(Throwable error) {
		if (error instanceof TurnTimeout timeout) {
			return Problems.of(ChatProblems.TURN_TIMEOUT, "The turn " + timeout.getMessage()
					+ "; Perch aborted it in OpenCode.");
		}
		if (error instanceof TimeoutException) {
			return Problems.of(dev.perch.opencode.OpenCodeProblems.TIMEOUT, "OpenCode's event stream did not open in time.");
		}
		if (error instanceof ApiException api) {
			return api.getBody();
		}
		String correlationId = java.util.UUID.randomUUID().toString();
		log.error("Unexpected failure of a turn [correlation id {}]", correlationId, error);
		ProblemDetail problem = Problems.of(ProblemType.INTERNAL,
				"An unexpected error occurred. Quote correlation id " + correlationId + " when reporting it.");
		problem.setProperty("correlationId", correlationId);
		return problem;
	}

	/**
	 * Reads the session's events from OpenCode into its feed; subscribed once however many turns and viewers
	 * watch (see {@link SessionFeeds}): the first to subscribe takes a lease on the server and joins its event
	 * stream, the last to leave gives both back. The feed numbers, buffers and fans out each event as it is
	 * accepted; only usage records wait here, stored one after the other before the next event is read.
	 */
	private Flux<Void> read(SessionFeed feed) {
		return servers.use(feed.workspace, OpenCodeClient::events)
			.filter(event -> feed.sessionId.equals(event.sessionId()))
			.concatMap(event -> accept(feed, event));
	}

	private Mono<Void> accept(SessionFeed feed, OpenCodeEvent event) {
		List<TurnUsage> records = new java.util.ArrayList<>(0);
		feed.accept(event, records);
		if (records.isEmpty()) {
			return Mono.empty();
		}
		return Flux.fromIterable(records)
			.concatMap(record -> usage.record(record).onErrorResume(e -> Mono.fromRunnable(
					() -> log.warn("Usage record {} was not stored: {}", record.dedupeKey(), e.toString()))))
			.then();
	}

	private void remember(String sessionId, @Nullable String model) {
		if (model != null) {
			synchronized (sessionModels) {
				sessionModels.put(sessionId, model);
			}
		}
	}

	private static <K, V> Map<K, V> lru(int size) {
		return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
				return size() > size;
			}
		});
	}

	/**
	 * A turn: its events are those of the feed after {@code start} (set when it starts), until done or error.
	 * {@code key} is its Idempotency-Key (with the workspace and session), if it has one; {@code claim}
	 * claims it in the database once, for every request that gets this turn (true without a key);
	 * {@code started} tells whether a viewer has started it (sent its prompt).
	 */
	private record Turn(SessionFeed feed, AtomicLong start, @Nullable String key, Mono<Boolean> claim,
			AtomicBoolean started, Flux<ChatEvent> job) {

		/** The job is subscribed first: the first view starts the turn, and so sets {@code start}, before following. */
		Flux<ChatEvent> view() {
			return Flux.merge(job, Flux.defer(() -> feed.follow(start.get()))).takeUntil(ChatEvent::terminal);
		}

	}

	private record Prompt(String text, @Nullable String model, @Nullable String agent) {
	}

	/** Perch's own bound of a turn passed. */
	private static final class TurnTimeout extends RuntimeException {

		TurnTimeout(String message) {
			super(message, null, false, false);
		}

	}

}
