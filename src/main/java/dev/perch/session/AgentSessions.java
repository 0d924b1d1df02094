package dev.perch.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import dev.perch.session.agent.opencode.OpenCodeReader;
import dev.perch.session.internal.AgentReader;
import dev.perch.session.internal.SessionIndex;
import dev.perch.session.internal.SessionMeta;
import dev.perch.session.internal.SessionMetaRepository;
import dev.perch.session.internal.SessionProblems;
import dev.perch.session.internal.SessionProperties;
import dev.perch.session.internal.SessionSource;
import dev.perch.shared.web.ApiException;
import dev.perch.workspace.WorkspaceNotFoundException;
import dev.perch.workspace.WorkspaceService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The session module's API: every agent's sessions of a workspace, listed from the {@code session_meta}
 * index, their history read from the agent's own files, names kept in Perch, search, delete, and the
 * per-request usage the agents recorded (for the usage collector; nothing is written here).
 */
@Service
public class AgentSessions {

	private static final List<String> ALL_AGENTS = List.of(Agent.OPENCODE.json(), Agent.CLAUDE.json(), Agent.CODEX.json());

	/** Where the first page starts: after every real row. */
	private static final Instant END_OF_TIME = Instant.parse("9999-12-31T00:00:00Z");

	private final WorkspaceService workspaces;

	private final SessionIndex index;

	private final SessionMetaRepository repository;

	private final SessionProperties properties;

	private final Clock clock;

	private final ObjectProvider<LiveOpenCode> live;

	private final OpenCodeReader openCode;

	AgentSessions(WorkspaceService workspaces, SessionIndex index, SessionMetaRepository repository,
			SessionProperties properties, Clock clock, ObjectProvider<LiveOpenCode> live, OpenCodeReader openCode) {
		this.live = live;
		this.openCode = openCode;
		this.workspaces = workspaces;
		this.index = index;
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
	}

	/** Sessions of the workspace, newest first (by last update), optionally of one agent. */
	public Mono<SessionPage> list(String workspace, @Nullable String agent, int limit, @Nullable String cursor) {
		List<String> agents = agent == null ? ALL_AGENTS : List.of(Agent.parse(agent).json());
		ListCursor from = ListCursor.parse(cursor);
		return workspaces.home(workspace)
			.flatMap(home -> index.indexed(workspace, home))
			.thenMany(Flux.defer(() -> repository.page(workspace, agents, from.updatedAt(), from.id(), limit + 1)))
			.collectList()
			.map(rows -> page(rows, limit));
	}

	private static SessionPage page(List<SessionMeta> rows, int limit) {
		boolean more = rows.size() > limit;
		List<SessionMeta> items = more ? rows.subList(0, limit) : rows;
		SessionMeta last = items.isEmpty() ? null : items.get(items.size() - 1);
		String next = more && last != null ? ListCursor.of(last) : null;
		return new SessionPage(items.stream().map(SessionMeta::toResponse).toList(), next);
	}

	/**
	 * Sessions of every workspace by last access (recorded with {@link #recordAccess}), most recent first;
	 * rows of workspaces deleted since are left out.
	 */
	public Flux<AgentSession> recent(int limit) {
		return repository.recent(limit)
			.concatMap(row -> workspaces.home(row.workspace())
				.map(home -> row.toResponse())
				.onErrorResume(WorkspaceNotFoundException.class, ex -> Mono.empty()));
	}

	/**
	 * One session's metadata from the index; for an OpenCode session whose workspace's server runs, its
	 * title, directory and times as that server answers them now (see {@link LiveOpenCode}).
	 */
	public Mono<AgentSession> get(String workspace, String agent, String id) {
		return locate(workspace, agent, id).flatMap(found -> {
			AgentSession indexed = found.row().toResponse();
			LiveOpenCode server = server(found);
			return server == null ? Mono.just(indexed)
					: server.session(workspace, id).map(info -> OpenCodeReader.live(indexed, info)).defaultIfEmpty(indexed);
		});
	}

	/** The running OpenCode server's implementation for an OpenCode session, null for other agents or without one. */
	private @Nullable LiveOpenCode server(Located found) {
		return found.agent() == Agent.OPENCODE ? live.getIfAvailable() : null;
	}

	/** Records that the user opened the session now (for {@link #recent}); reads never record it themselves. */
	public Mono<AgentSession> recordAccess(String workspace, String agent, String id) {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
		return locate(workspace, agent, id)
			.flatMap(found -> repository.touch(found.row().id(), now).then(reload(found)));
	}

	/**
	 * A page of history from the tail: {@code before} is the cursor of the previous page, null for the newest.
	 * The newest page of an OpenCode session whose workspace's server runs comes from that server (a running
	 * turn changes it); older pages, and everything without a server, from storage, with the same cursors.
	 */
	public Mono<MessagePage> messages(String workspace, String agent, String id, int limit, @Nullable String before) {
		return locate(workspace, agent, id).flatMap(found -> newestFromServer(workspace, found, limit, before)
			.switchIfEmpty(blocking(() -> found.reader().messages(found.home(), found.source(), limit, before)))
			.onErrorMap(IllegalArgumentException.class, ex -> new ApiException(SessionProblems.INVALID_CURSOR,
					"Parameter 'before' is not a cursor of this session's history; use the 'before' of a previous page.",
					Map.of("before", SessionProblems.printable(String.valueOf(before)))))
			.onErrorMap(NoSuchFileException.class, ex -> new SessionNotFoundException(workspace, found.agent(), id)));
	}

	private Mono<MessagePage> newestFromServer(String workspace, Located found, int limit, @Nullable String before) {
		LiveOpenCode server = before == null ? server(found) : null;
		return server == null ? Mono.empty()
				: server.messages(workspace, found.row().sessionId(), limit + 1).map(answered -> openCode.page(answered, limit));
	}

	/** Sets (or, with null or blank, clears) the session's name in Perch; the agent's files are not touched. */
	public Mono<AgentSession> rename(String workspace, String agent, String id, @Nullable String name) {
		String cleaned = name == null || name.isBlank() ? null : name.strip();
		return locate(workspace, agent, id)
			.flatMap(found -> repository.rename(found.row().id(), cleaned).then(reload(found)));
	}

	/**
	 * Deletes the session and its row from the index: an OpenCode session through the workspace's running
	 * OpenCode server first when one runs (see {@link LiveOpenCode}), then from the agent's storage (for
	 * OpenCode after its server: no rows are left to delete, but a copy in the pre-SQLite JSON files, which
	 * the server does not read, is removed).
	 */
	public Mono<Void> delete(String workspace, String agent, String id) {
		return locate(workspace, agent, id)
			.flatMap(found -> deleteThroughServer(workspace, found)
				.then(blocking(() -> {
					found.reader().delete(found.home(), found.source());
					return true;
				}))
				.onErrorMap(NoSuchFileException.class, ex -> new SessionNotFoundException(workspace, found.agent(), id))
				.then(repository.deleteById(found.row().id())));
	}

	/** Empty when no server runs or it does not know the session (storage is then the place to delete from). */
	private Mono<Boolean> deleteThroughServer(String workspace, Located found) {
		LiveOpenCode server = server(found);
		return server == null ? Mono.empty() : server.delete(workspace, found.row().sessionId());
	}

	/**
	 * Sessions whose name, title or content contains {@code query}: fixed-string, case-insensitive, never a
	 * regex or a shell; newest sessions first, at most {@code perch.sessions.max-search-results}. The search
	 * stops opening sessions once {@code max-search-bytes} of transcripts or {@code max-search-time} are used
	 * up, and says so: newest first, so what it kept are the most recent sessions.
	 */
	public Mono<SearchResults> search(String workspace, String query, @Nullable String agent) {
		String needle = checkedQuery(query).toLowerCase(Locale.ROOT);
		List<String> agents = agent == null ? ALL_AGENTS : List.of(Agent.parse(agent).json());
		return workspaces.home(workspace)
			.flatMap(home -> index.indexed(workspace, home)
				.then(Mono.defer(() -> repository.newestFirst(workspace, agents).collectList()))
				.flatMap(rows -> search(home, rows, query, needle)));
	}

	private Mono<SearchResults> search(Path home, List<SessionMeta> rows, String query, String needle) {
		return Mono.defer(() -> {
			SearchBudget budget = new SearchBudget(properties.maxSearchBytes().toBytes(),
					clock.millis() + properties.maxSearchTime().toMillis(), clock);
			return Flux.fromIterable(rows)
				.takeWhile(budget::admit)
				.flatMapSequential(row -> match(home, row, needle), 2)
				.take(properties.maxSearchResults())
				.collectList()
				.map(hits -> new SearchResults(query, hits, budget.exhausted(), budget.admitted(), rows.size()));
		});
	}

	/**
	 * What one search may still spend: sessions are admitted, newest first, while the bytes of the
	 * transcripts admitted so far are under the cap and the deadline has not passed. Per subscription.
	 */
	private static final class SearchBudget {

		private final long maxBytes;

		private final long deadline;

		private final Clock clock;

		private long bytes;

		private int admitted;

		private boolean exhausted;

		SearchBudget(long maxBytes, long deadline, Clock clock) {
			this.maxBytes = maxBytes;
			this.deadline = deadline;
			this.clock = clock;
		}

		synchronized boolean admit(SessionMeta row) {
			if (bytes >= maxBytes || clock.millis() >= deadline) {
				exhausted = true;
				return false;
			}
			bytes += row.sourceSize();
			admitted++;
			return true;
		}

		synchronized boolean exhausted() {
			return exhausted;
		}

		synchronized int admitted() {
			return admitted;
		}

	}

	private Mono<SearchHit> match(Path home, SessionMeta row, String needle) {
		for (String known : new String[] { row.name(), row.title(), row.firstPrompt() }) {
			if (known != null && known.toLowerCase(Locale.ROOT).contains(needle)) {
				return Mono.just(hit(row, snippet(known, needle)));
			}
		}
		AgentReader reader = index.reader(Agent.parse(row.agent()));
		return blocking(() -> reader.search(home, source(row), needle))
			.onErrorResume(IOException.class, ex -> Mono.just(Optional.empty()))
			.flatMap(Mono::justOrEmpty)
			.map(snippet -> hit(row, snippet));
	}

	private static String snippet(String text, String needle) {
		String snippet = dev.perch.session.agent.Texts.snippet(text, needle);
		return snippet != null ? snippet : text;
	}

	private static SearchHit hit(SessionMeta row, String snippet) {
		return new SearchHit(row.agent(), row.sessionId(), row.title() != null ? row.title() : row.firstPrompt(),
				row.name(), snippet);
	}

	private String checkedQuery(String query) {
		String message = null;
		if (query.isBlank()) {
			message = "Parameter 'q' must not be blank.";
		}
		else if (query.length() > properties.maxSearchQuery()) {
			message = "Parameter 'q' may have at most " + properties.maxSearchQuery() + " characters.";
		}
		else if (query.chars().anyMatch(Character::isISOControl)) {
			message = "Parameter 'q' must not contain control characters.";
		}
		if (message != null) {
			throw new ApiException(SessionProblems.INVALID_QUERY, message, Map.of());
		}
		return query;
	}

	/**
	 * Every request's usage the workspace's agents recorded, deduplicated per agent by a stable key
	 * ({@link UsageEntry#dedupeKey()}), for the usage collector. Reads files; writes nothing.
	 */
	public Flux<UsageEntry> usage(String workspace) {
		return workspaces.home(workspace).flatMapMany(home -> Flux.fromIterable(List.of(Agent.values()))
			.concatMap(agent -> blocking(() -> index.reader(agent).usage(home, workspace)))
			.flatMapIterable(entries -> entries));
	}

	/** The indexed row, the home and the reader of one session; a row that misses the index forces a refresh first. */
	private Mono<Located> locate(String workspace, String agentName, String id) {
		return Mono.defer(() -> {
			Agent agent = Agent.parse(agentName);
			AgentReader reader = index.reader(agent);
			if (!reader.isValidId(id)) {
				return Mono.error(new ApiException(SessionProblems.INVALID_ID,
						"'" + SessionProblems.printable(id) + "' is not a " + agent.json() + " session id.",
						Map.of("agent", agent.json(), "sessionId", SessionProblems.printable(id))));
			}
			return workspaces.home(workspace).flatMap(home -> index.indexed(workspace, home)
				.then(find(workspace, agent, id))
				.switchIfEmpty(index.refreshNow(workspace, home).then(find(workspace, agent, id)))
				.switchIfEmpty(Mono.error(() -> new SessionNotFoundException(workspace, agent, id)))
				.map(row -> new Located(agent, reader, home, row)));
		});
	}

	private Mono<SessionMeta> find(String workspace, Agent agent, String id) {
		return Mono.defer(() -> repository.findByWorkspaceAndAgentAndSessionId(workspace, agent.json(), id));
	}

	private Mono<AgentSession> reload(Located found) {
		return repository.findById(found.row().id())
			.switchIfEmpty(Mono.error(() -> new SessionNotFoundException(found.row().workspace(), found.agent(), found.row().sessionId())))
			.map(SessionMeta::toResponse);
	}

	private record Located(Agent agent, AgentReader reader, Path home, SessionMeta row) {

		SessionSource source() {
			return AgentSessions.source(row);
		}

	}

	private static SessionSource source(SessionMeta row) {
		return new SessionSource(row.sessionId(), Path.of(row.sourcePath()), row.sourceSize(), row.sourceMtime());
	}

	private static <T> Mono<T> blocking(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
	}

	/** The list cursor: the last row's {@code updated_at} and id, base64url-encoded. */
	private record ListCursor(Instant updatedAt, long id) {

		static ListCursor parse(@Nullable String cursor) {
			if (cursor == null || cursor.isEmpty()) {
				return new ListCursor(END_OF_TIME, Long.MAX_VALUE);
			}
			try {
				String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
				String[] parts = text.split(":");
				if (parts.length != 2) {
					throw new IllegalArgumentException(text);
				}
				return new ListCursor(Instant.ofEpochMilli(Long.parseLong(parts[0])), Long.parseLong(parts[1]));
			}
			catch (IllegalArgumentException | java.time.DateTimeException ex) {
				throw new ApiException(SessionProblems.INVALID_CURSOR,
						"Parameter 'cursor' is not a cursor of this list; use the 'nextCursor' of a previous page.",
						Map.of("cursor", SessionProblems.printable(cursor)));
			}
		}

		static String of(SessionMeta row) {
			String text = row.updatedAt().toEpochMilli() + ":" + row.id();
			return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
		}

	}

}
