package dev.perch.session.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import dev.perch.session.Agent;
import dev.perch.session.UsageEntry;
import dev.perch.session.internal.CollectionFingerprints.Fingerprint;
import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.SettingType;
import dev.perch.shared.settings.Settings;
import dev.perch.usage.IngestResult;
import dev.perch.usage.OnDuplicate;
import dev.perch.usage.Tokens;
import dev.perch.usage.UsageProperties;
import dev.perch.usage.UsageRecordRequest;
import dev.perch.usage.UsageService;
import dev.perch.workspace.WorkspaceResponse;
import dev.perch.workspace.WorkspaceService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Collects usage from every workspace's agent files into usage records: the session readers extract the
 * entries ({@link AgentReader#usage(Path, String, List)}, deduplicated per agent) and they are recorded
 * through {@link UsageService} with the entry's dedupe key, so collecting again never counts a request
 * twice. A workspace whose agent files (path, size, mtime, identity of each) are unchanged since the last
 * collection is skipped; in a changed one, each changed file is read on from where the last collection
 * stopped ({@link CollectionFiles}), or from its start when it is new, truncated or replaced. One
 * collection runs at a time.
 */
@Service
public class UsageCollector {

	/** The {@code source} of collected records. */
	public static final String SOURCE = "collector";

	/** An entry without a model is recorded under this name: unpriced (no price matches it), never $0. */
	static final String UNKNOWN_MODEL = "unknown";

	/** Records per {@link UsageService#record} call: one transaction each, below {@code max-batch-records}. */
	static final int CHUNK = 5000;

	private static final Logger log = LoggerFactory.getLogger(UsageCollector.class);

	private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	private final SessionIndex index;

	private final CollectionFingerprints fingerprints;

	private final CollectionFiles files;

	private final UsageService usage;

	private final WorkspaceService workspaces;

	private final Settings settings;

	private final Clock clock;

	/**
	 * Lookup handles for the usage module's runtime settings (declared and shown by its
	 * {@code UsageSettings}; {@link Settings} finds a value by key).
	 */
	private final Setting<Boolean> enabled;

	private final Setting<Duration> interval;

	private final Setting<Duration> retention;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicReference<@Nullable Instant> lastScheduled = new AtomicReference<>();

	UsageCollector(SessionIndex index, CollectionFingerprints fingerprints, CollectionFiles files, UsageService usage,
			WorkspaceService workspaces, Settings settings, UsageProperties properties, Clock clock) {
		this.index = index;
		this.fingerprints = fingerprints;
		this.files = files;
		this.usage = usage;
		this.workspaces = workspaces;
		this.settings = settings;
		this.clock = clock;
		this.enabled = new Setting<>("usage.collect.enabled", SettingType.bool(), () -> properties.collect().enabled(),
				"Collect usage from every workspace's agent files.");
		this.interval = new Setting<>("usage.collect.interval",
				SettingType.duration(Duration.ofSeconds(10), Duration.ofDays(1)), () -> properties.collect().interval(),
				"How often usage is collected from agent files when collection is enabled.");
		this.retention = new Setting<>("usage.retention", SettingType.duration(Duration.ofDays(1), Duration.ofDays(36_500)),
				properties::retention, "Usage records older than this are deleted by the retention job.");
	}

	/** Collects every workspace now; a {@link CollectionRunningException} when a collection is running. */
	public Mono<CollectionReport> collectAll() {
		return exclusively(workspaces.all().map(WorkspaceResponse::name));
	}

	/** Collects one workspace now (a 404 problem when it does not exist). */
	public Mono<CollectionReport> collect(String workspace) {
		return workspaces.get(workspace).then(exclusively(Flux.just(workspace)));
	}

	/**
	 * The scheduled collection: checks every 10 seconds whether collection is enabled
	 * ({@code usage.collect.enabled}, read each time so the configuration API switches it without a
	 * restart) and the interval ({@code usage.collect.interval}) has passed; then collects every workspace.
	 * Empty when it did not run.
	 */
	@Scheduled(initialDelay = 10, fixedDelay = 10, timeUnit = TimeUnit.SECONDS)
	public Mono<CollectionReport> scheduled() {
		return settings.get(enabled)
			.filter(Boolean::booleanValue)
			.flatMap(on -> settings.get(interval))
			.filter(this::due)
			.flatMap(every -> collectAll())
			.doOnNext(report -> log.debug("Scheduled usage collection: {}", report))
			.onErrorResume(CollectionRunningException.class, ex -> Mono.empty())
			.onErrorResume(error -> {
				log.warn("Scheduled usage collection failed; it runs again at the next interval: {}", error.toString());
				return Mono.empty();
			});
	}

	/** Whether the interval has passed since the last scheduled collection started; if so, this one starts now. */
	private boolean due(Duration every) {
		Instant now = clock.instant();
		Instant last = lastScheduled.get();
		return (last == null || !now.isBefore(last.plus(every))) && lastScheduled.compareAndSet(last, now);
	}

	private Mono<CollectionReport> exclusively(Flux<String> names) {
		return Mono.defer(() -> {
			if (!running.compareAndSet(false, true)) {
				return Mono.error(new CollectionRunningException());
			}
			long start = System.nanoTime();
			return settings.get(retention)
				.flatMap(keep -> names.concatMap(name -> collectOne(name, clock.instant().minus(keep))).collectList())
				.map(done -> CollectionReport.of(done, Duration.ofNanos(System.nanoTime() - start).toMillis()))
				// free before the answer goes out (doFinally frees after it: a client that collects again as soon
				// as it has the report could be told a collection is running), or when the caller leaves
				.doOnTerminate(() -> running.set(false))
				.doOnCancel(() -> running.set(false));
		});
	}

	/**
	 * One workspace: skipped when its agent files are unchanged (one listing, no file opened); else each
	 * changed file is read from where the last collection stopped. A failure is reported, not thrown.
	 */
	private Mono<CollectionReport.Workspace> collectOne(String workspace, Instant notBefore) {
		return workspaces.home(workspace)
			.flatMap(home -> blocking(() -> list(home)).flatMap(listing -> collectChanged(workspace, home, listing, notBefore)))
			.onErrorResume(error -> Mono.just(failed(workspace, error)));
	}

	private Mono<CollectionReport.Workspace> collectChanged(String workspace, Path home, Listing listing, Instant notBefore) {
		return fingerprints.find(workspace)
			.filter(listing.fingerprint().value()::equals)
			.map(same -> CollectionReport.Workspace.unchanged(workspace))
			.switchIfEmpty(Mono.defer(() -> files.find(workspace)
				.flatMap(stored -> blocking(() -> readChanged(workspace, home, listing, stored)))
				.flatMap(batch -> store(workspace, batch, listing.fingerprint(), notBefore))));
	}

	private static CollectionReport.Workspace failed(String workspace, Throwable error) {
		log.warn("Usage collection of workspace '{}' failed", workspace, error);
		return CollectionReport.Workspace.failed(workspace, "could not collect: " + error.getClass().getSimpleName());
	}

	/**
	 * Records what was read, then stores how far each file was read, then the fingerprint: a collection that
	 * stops in between reads the same lines again next time (the keys make them duplicates), never skips them.
	 */
	private Mono<CollectionReport.Workspace> store(String workspace, Batch batch, Fingerprint fingerprint,
			Instant notBefore) {
		Instant now = clock.instant();
		List<UsageRecordRequest> claude = recordable(batch.claude, notBefore, now);
		List<UsageRecordRequest> others = recordable(batch.others, notBefore, now);
		long ignored = batch.entries() - claude.size() - others.size();
		return Flux.concat(record(claude, OnDuplicate.KEEP_LARGER), record(others, OnDuplicate.KEEP_FIRST))
			.reduce(new IngestResult(0, 0, 0), UsageCollector::sum)
			.delayUntil(result -> files.save(workspace, batch.known, batch.added, batch.gone, clock.instant()))
			.delayUntil(result -> fingerprints.save(workspace, fingerprint, clock.instant()))
			.map(result -> new CollectionReport.Workspace(workspace, CollectionReport.Status.COLLECTED, batch.files,
					batch.bytes, batch.entries(), result.recorded(), result.updated(), result.duplicates(), ignored, null));
	}

	/** Every agent's changed files, each read from its stored position (or from its start when new, truncated or replaced). */
	private Batch readChanged(String workspace, Path home, Listing listing, Map<String, CollectedFile> stored)
			throws IOException {
		Batch batch = new Batch();
		Set<String> listed = new HashSet<>();
		for (Agent agent : Agent.values()) {
			List<UsagePosition> from = new ArrayList<>();
			for (UsageFile file : listing.files().get(agent)) {
				String path = CollectedFile.relative(home, file.file());
				listed.add(path);
				CollectedFile last = stored.get(path);
				UsagePosition start = last == null ? UsagePosition.start(file) : last.resume(file);
				if (start != null) {
					from.add(start);
					batch.bytes += agent == Agent.OPENCODE ? 0 : Math.max(0, file.size() - start.offset());
				}
			}
			if (from.isEmpty()) {
				continue;
			}
			UsageRead read = index.reader(agent).usage(home, workspace, from);
			batch.files += from.size();
			(agent == Agent.CLAUDE ? batch.claude : batch.others).addAll(read.entries());
			for (UsagePosition reached : read.reached()) {
				CollectedFile row = CollectedFile.reached(home, agent, reached);
				(stored.containsKey(row.path()) ? batch.known : batch.added).add(row);
			}
		}
		stored.keySet().stream().filter(path -> !listed.contains(path)).forEach(batch.gone::add);
		return batch;
	}

	/** What {@link #readChanged} read in one workspace: the entries, and the file rows to store. */
	private static final class Batch {

		final List<UsageEntry> claude = new ArrayList<>();

		final List<UsageEntry> others = new ArrayList<>();

		/** Files that have a row (updated) and files that have none yet (inserted). */
		final List<CollectedFile> known = new ArrayList<>();

		final List<CollectedFile> added = new ArrayList<>();

		/** Paths of rows whose file is gone. */
		final List<String> gone = new ArrayList<>();

		long files;

		long bytes;

		long entries() {
			return claude.size() + others.size();
		}

	}

	/**
	 * Claude Code records keep the larger totals of a repeated key (a reply is written one line per content
	 * block, and a collection can run between its first and its last line); a Codex key holds the cumulative
	 * total and an OpenCode key is one finished message, so a repeated one has the same totals: first kept.
	 */
	private Mono<IngestResult> record(List<UsageRecordRequest> records, OnDuplicate onDuplicate) {
		return Flux.fromIterable(records)
			.buffer(CHUNK)
			.concatMap(chunk -> usage.record(SOURCE, chunk, onDuplicate))
			.reduce(new IngestResult(0, 0, 0), UsageCollector::sum);
	}

	private static List<UsageRecordRequest> recordable(List<UsageEntry> entries, Instant notBefore, Instant now) {
		List<UsageRecordRequest> records = new ArrayList<>(entries.size());
		for (UsageEntry entry : entries) {
			UsageRecordRequest record = request(entry);
			if (recordable(record, notBefore, now)) {
				records.add(record);
			}
		}
		return records;
	}

	private static IngestResult sum(IngestResult a, IngestResult b) {
		return new IngestResult(a.received() + b.received(), a.recorded() + b.recorded(), a.duplicates() + b.duplicates(),
				a.updated() + b.updated());
	}

	static UsageRecordRequest request(UsageEntry entry) {
		String model = entry.model() == null || entry.model().isBlank() ? UNKNOWN_MODEL : entry.model();
		BigDecimal cost = entry.cost() == null ? null : BigDecimal.valueOf(entry.cost());
		Tokens tokens = new Tokens(entry.input(), entry.output(), entry.cacheRead(), entry.cacheWrite5m(),
				entry.cacheWrite1h(), entry.reasoning());
		return new UsageRecordRequest(entry.dedupeKey(), entry.occurredAt(), entry.workspace(), entry.agent().json(),
				model, entry.provider(), entry.sessionId(), tokens, cost, null, null);
	}

	/**
	 * Whether the usage module accepts the record (one bad record rejects its whole batch), and it is not
	 * older than the retention: the retention job deleted such records, a re-read must not bring them back.
	 */
	static boolean recordable(UsageRecordRequest record, Instant notBefore, Instant now) {
		Tokens t = record.tokens();
		return !record.occurredAt().isBefore(EARLIEST) && !record.occurredAt().isBefore(notBefore)
				&& !record.occurredAt().isAfter(now.plus(Duration.ofDays(1))) && record.key().length() <= 256
				&& fits(record.model(), 128) && fits(record.provider(), 64) && fits(record.sessionId(), 128)
				&& Math.min(Math.min(t.input(), t.output()), Math.min(t.cacheRead(), t.reasoning())) >= 0
				&& Math.min(t.cacheWrite5m(), t.cacheWrite1h()) >= 0
				&& (record.cost() == null || record.cost().signum() >= 0);
	}

	private static boolean fits(@Nullable String value, int max) {
		return value == null || (value.length() <= max && value.chars().noneMatch(Character::isISOControl));
	}

	/** Every agent's usage files from metadata only, and their fingerprint. */
	private record Listing(Map<Agent, List<UsageFile>> files, Fingerprint fingerprint) {
	}

	/** Lists every agent's usage files and hashes (SHA-256) their paths, sizes, mtimes and identities: no content read. */
	private Listing list(Path home) throws IOException {
		Map<Agent, List<UsageFile>> files = new EnumMap<>(Agent.class);
		MessageDigest digest = sha256();
		int count = 0;
		for (Agent agent : Agent.values()) {
			List<UsageFile> listed = index.reader(agent).usageFiles(home);
			files.put(agent, listed);
			List<UsageFile> sorted = new ArrayList<>(listed);
			sorted.sort(Comparator.comparing(file -> file.file().toString()));
			for (UsageFile file : sorted) {
				String line = agent.json() + '\t' + file.file() + '\t' + file.size() + '\t' + file.modifiedMillis() + '\t'
						+ file.identity() + '\n';
				digest.update(line.getBytes(StandardCharsets.UTF_8));
				count++;
			}
		}
		return new Listing(files, new Fingerprint(HexFormat.of().formatHex(digest.digest()), count));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
	}

}
