package dev.perch.session.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.perch.session.Agent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps {@code session_meta} in line with the files: a refresh lists each agent's sources (file
 * metadata only), reads again only those whose size or mtime changed, and drops rows whose source is
 * gone. At most one refresh per workspace runs at a time (callers share it). A workspace is indexed on
 * first use, then re-scanned in the background every {@code perch.sessions.refresh-interval}; a lookup
 * of a session the index lacks re-scans at once.
 */
@Component
public class SessionIndex {

	private static final Logger log = LoggerFactory.getLogger(SessionIndex.class);

	/** Sources summarised per blocking call: bounds the work (and memory) of one step. */
	private static final int BATCH = 32;

	private final Map<Agent, AgentReader> readers;

	private final SessionMetaRepository repository;

	private final SessionProperties properties;

	private final Clock clock;

	private final Map<String, Mono<Void>> running = new ConcurrentHashMap<>();

	private final Map<String, Instant> lastRefresh = new ConcurrentHashMap<>();

	/** Workspaces whose sessions were asked for, and their homes: the background refresh keeps these current. */
	private final Map<String, Path> known = new ConcurrentHashMap<>();

	SessionIndex(List<AgentReader> readers, SessionMetaRepository repository, SessionProperties properties, Clock clock) {
		this.readers = new LinkedHashMap<>();
		readers.forEach(reader -> this.readers.put(reader.agent(), reader));
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
	}

	public AgentReader reader(Agent agent) {
		AgentReader reader = readers.get(agent);
		if (reader == null) {
			throw new IllegalStateException("no reader for " + agent);
		}
		return reader;
	}

	/**
	 * Makes sure the workspace has been indexed once; later changes are picked up in the background
	 * ({@link #refreshKnown}), so a list is served from the index without touching the files.
	 */
	public Mono<Void> indexed(String workspace, Path home) {
		return Mono.defer(() -> {
			known.put(workspace, home);
			return lastRefresh.containsKey(workspace) ? Mono.empty() : refreshNow(workspace, home);
		});
	}

	/** Re-scans every workspace listed since start-up, one at a time, every {@code perch.sessions.refresh-interval}. */
	@Scheduled(initialDelayString = "${perch.sessions.refresh-interval:5s}", fixedDelayString = "${perch.sessions.refresh-interval:5s}")
	Mono<Void> refreshKnown() {
		return Flux.fromIterable(List.copyOf(known.entrySet()))
			.concatMap(entry -> refreshNow(entry.getKey(), entry.getValue())
				.then(Mono.fromRunnable(() -> forgetIfGone(entry.getKey(), entry.getValue())))
				.onErrorResume(ex -> {
					log.warn("Cannot refresh the sessions of workspace {}: {}", entry.getKey(), ex.toString());
					return Mono.empty();
				}))
			.then();
	}

	private void forgetIfGone(String workspace, Path home) {
		if (!java.nio.file.Files.isDirectory(home)) {
			known.remove(workspace, home);
			lastRefresh.remove(workspace);
		}
	}

	/**
	 * Refreshes now, or joins the refresh of this workspace already running. The refresh stops being the
	 * running one before it signals its end: removed only after (as {@code doFinally} did), a refresh asked
	 * for by whoever had just seen the last one end could join that finished one and read nothing.
	 */
	public Mono<Void> refreshNow(String workspace, Path home) {
		return Mono.defer(() -> running.computeIfAbsent(workspace, key -> scan(workspace, home)
			.doOnTerminate(() -> running.remove(workspace))
			.cache()));
	}

	private Mono<Void> scan(String workspace, Path home) {
		Instant started = clock.instant();
		return Mono.fromCallable(() -> sources(workspace, home))
			.subscribeOn(Schedulers.boundedElastic())
			.zipWith(repository.findByWorkspace(workspace).collectList())
			.flatMap(found -> apply(workspace, home, found.getT1(), found.getT2()))
			.then(Mono.fromRunnable(() -> lastRefresh.put(workspace, started)));
	}

	/** Each agent's sources; an agent whose storage cannot be listed is left out (its rows are kept as they are). */
	private Map<Agent, List<SessionSource>> sources(String workspace, Path home) {
		Map<Agent, List<SessionSource>> sources = new LinkedHashMap<>();
		for (AgentReader reader : readers.values()) {
			try {
				sources.put(reader.agent(), reader.sources(home));
			}
			catch (IOException | RuntimeException ex) {
				log.warn("Cannot list {} sessions of workspace {}: {}", reader.agent().json(), workspace, ex.toString());
			}
		}
		return sources;
	}

	private Mono<Void> apply(String workspace, Path home, Map<Agent, List<SessionSource>> sources, List<SessionMeta> rows) {
		Map<String, SessionMeta> existing = new LinkedHashMap<>();
		rows.forEach(row -> existing.put(row.agent() + "/" + row.sessionId(), row));
		List<Work> changed = new ArrayList<>();
		Set<String> present = new HashSet<>();
		sources.forEach((agent, list) -> list.forEach(source -> {
			String key = agent.json() + "/" + source.id();
			present.add(key);
			SessionMeta row = existing.get(key);
			if (row == null || !row.sameSource(source)) {
				changed.add(new Work(agent, source, row));
			}
		}));
		List<SessionMeta> gone = rows.stream()
			.filter(row -> sources.containsKey(Agent.parse(row.agent())))
			.filter(row -> !present.contains(row.agent() + "/" + row.sessionId()))
			.toList();
		// grouped here, not with groupBy: groupBy + concatMap stalls once later groups fill its buffer
		Map<Agent, List<Work>> byAgent = new LinkedHashMap<>();
		changed.forEach(work -> byAgent.computeIfAbsent(work.agent(), agent -> new ArrayList<>()).add(work));
		return Flux.fromIterable(byAgent.values())
			.concatMap(works -> Flux.fromIterable(works).buffer(BATCH).concatMap(batch -> summarize(workspace, home, batch)))
			.concatMap(done -> save(workspace, done))
			.thenMany(Flux.fromIterable(gone).concatMap(row -> repository.deleteById(row.id())))
			.then();
	}

	/** A source to (re)read and the row it updates, if any. */
	private record Work(Agent agent, SessionSource source, @Nullable SessionMeta row) {
	}

	private record Done(Agent agent, SessionSummary summary, @Nullable SessionMeta row) {
	}

	private Flux<Done> summarize(String workspace, Path home, List<Work> batch) {
		AgentReader reader = reader(batch.get(0).agent());
		Map<String, Work> byId = new LinkedHashMap<>();
		batch.forEach(work -> byId.put(work.source().id(), work));
		return Mono.fromCallable(() -> reader.summarize(home, batch.stream().map(Work::source).toList()))
			.subscribeOn(Schedulers.boundedElastic())
			.onErrorResume(ex -> {
				log.warn("Cannot read {} sessions of workspace {}: {}", reader.agent().json(), workspace, ex.toString());
				return Mono.just(List.of());
			})
			.flatMapIterable(summaries -> summaries)
			.map(summary -> new Done(reader.agent(), summary, byId.get(summary.source().id()).row()));
	}

	private Mono<Void> save(String workspace, Done done) {
		SessionSummary summary = done.summary();
		SessionSource source = summary.source();
		Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
		Instant updated = millis(summary.updatedAt() != null ? summary.updatedAt() : Instant.ofEpochMilli(source.modifiedMillis()));
		String models = String.join(",", summary.models().stream().map(model -> model.replace(",", " ")).toList());
		if (done.row() != null) {
			return repository.updateSummary(done.row().id(), summary.title(), summary.firstPrompt(),
					truncate(summary.projectDirectory(), 4096), summary.messageCount(), truncate(models, 2000), millis(summary.createdAt()),
					updated, source.file().toString(), source.size(), source.modifiedMillis(), summary.parseErrors(), now)
				.then();
		}
		SessionMeta row = new SessionMeta(null, workspace, done.agent().json(), source.id(), null, null, summary.title(),
				summary.firstPrompt(), truncate(summary.projectDirectory(), 4096), summary.messageCount(),
				truncate(models, 2000), millis(summary.createdAt()), updated, source.file().toString(), source.size(),
				source.modifiedMillis(), summary.parseErrors(), now);
		return repository.save(row)
			.onErrorResume(DataIntegrityViolationException.class, ex -> Mono.empty())
			.then();
	}

	private static @Nullable Instant millis(@Nullable Instant instant) {
		return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
	}

	private static @Nullable String truncate(@Nullable String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max);
	}

}
