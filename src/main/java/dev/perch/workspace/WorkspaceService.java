package dev.perch.workspace;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import dev.perch.shared.settings.Settings;
import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.PageResponse;
import dev.perch.workspace.internal.PortAllocator;
import dev.perch.workspace.internal.Workspace;
import dev.perch.workspace.internal.WorkspaceFiles;
import dev.perch.workspace.internal.WorkspaceLanes;
import dev.perch.workspace.internal.WorkspaceProperties;
import dev.perch.workspace.internal.WorkspaceRepository;
import dev.perch.workspace.internal.WorkspaceSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workspace lifecycle. The database holds what a workspace is; the runtime says what state it is in,
 * asked afresh on every read and reconciled into the database at start-up and every minute.
 */
@Service
public class WorkspaceService {

	private static final Logger log = LoggerFactory.getLogger(WorkspaceService.class);

	private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {
	};

	private static final TypeReference<List<PortForward>> PORTS = new TypeReference<>() {
	};

	private final WorkspaceRepository repository;

	private final WorkspaceLanes lanes = new WorkspaceLanes();

	private final Map<String, WorkspaceRuntime> runtimes;

	private final WorkspaceProperties properties;

	private final WorkspaceSettings settings;

	private final Settings values;

	private final WorkspaceFiles files;

	private final PortAllocator portAllocator;

	private final JsonMapper json;

	private final Clock clock;

	WorkspaceService(WorkspaceRepository repository, List<WorkspaceRuntime> runtimes, WorkspaceProperties properties,
			WorkspaceSettings settings, Settings values, WorkspaceFiles files, PortAllocator portAllocator,
			JsonMapper json, Clock clock) {
		this.repository = repository;
		this.runtimes = runtimes.stream().collect(Collectors.toMap(WorkspaceRuntime::kind, Function.identity()));
		this.properties = properties;
		this.settings = settings;
		this.values = values;
		this.files = files;
		this.portAllocator = portAllocator;
		this.json = json;
		this.clock = clock;
	}

	/** One workspace, with its live status. */
	public Mono<WorkspaceResponse> get(String name) {
		return find(name).flatMap(this::withLiveStatus).map(this::toResponse);
	}

	/** Every workspace, by name, with its live status ({@code unknown} where the runtime cannot be asked). */
	public Flux<WorkspaceResponse> all() {
		return repository.findAllByOrderByName()
			.flatMapSequential(workspace -> withLiveStatus(workspace)
				.onErrorResume(RuntimeUnavailableException.class,
						e -> Mono.just(workspace.withStatus(WorkspaceStatus.UNKNOWN))), 8)
			.map(this::toResponse);
	}

	public Mono<PageResponse<WorkspaceResponse>> list(@Nullable WorkspaceStatus status, int page, int size) {
		return all().filter(workspace -> status == null || workspace.status() == status)
			.collectList()
			.map(items -> new PageResponse<>(items.stream().skip((long) page * size).limit(size).toList(), page, size,
					items.size()));
	}

	/** The host directory that is the workspace's home. */
	public Mono<Path> home(String name) {
		return find(name).map(workspace -> files.home(workspace.name()));
	}

	public Mono<WorkspaceResponse> create(CreateWorkspaceRequest request) {
		return Mono.zip(values.get(settings.defaultRuntime), values.get(settings.defaultImage))
			.flatMap(defaults -> {
				String runtime = request.runtime() != null ? request.runtime() : defaults.getT1();
				String image = "local".equals(runtime) ? null
						: request.image() != null ? request.image() : defaults.getT2();
				Map<String, String> env = request.env() == null ? Map.of() : new TreeMap<>(request.env());
				List<PortForward> ports = request.ports() == null ? List.of() : request.ports();
				return create(request.name(), runtime, image, request.repository(), env, ports, null);
			});
	}

	/** A new workspace with the source's runtime, image, env and ports (host ports chosen anew) and a copy of its home. */
	public Mono<WorkspaceResponse> clone(String source, CloneWorkspaceRequest request) {
		return find(source).flatMap(original -> create(request.name(), original.runtime(), original.image(),
				original.repository(), env(original),
				ports(original).stream().map(port -> new PortForward(port.port(), null)).toList(),
				files.home(original.name())));
	}

	private Mono<WorkspaceResponse> create(String name, String runtimeKind, @Nullable String image,
			@Nullable String repositoryUrl, Map<String, String> env, List<PortForward> requestedPorts,
			@Nullable Path copyFrom) {
		WorkspaceRuntime runtime = runtime(runtimeKind);
		if (repositoryUrl != null) {
			files.checkRepository(repositoryUrl);
		}
		Instant now = now();
		return portAllocator.assign(name, requestedPorts)
			.map(ports -> new Workspace(name, runtimeKind, image, WorkspaceStatus.STOPPED.json(), repositoryUrl,
					json.writeValueAsString(env), json.writeValueAsString(ports), null, now, now, null))
			.flatMap(workspace -> repository.existsById(name)
				.flatMap(exists -> exists ? Mono.error(exists(name)) : repository.save(workspace)))
			.onErrorMap(DataIntegrityViolationException.class, e -> exists(name))
			.flatMap(saved -> provision(saved, runtime, copyFrom)
				.onErrorResume(e -> discard(saved, runtime).then(Mono.error(e))))
			.doOnNext(saved -> files.appendLog(name, "created (" + runtimeKind + ")"))
			.map(this::toResponse);
	}

	private Mono<Workspace> provision(Workspace workspace, WorkspaceRuntime runtime, @Nullable Path copyFrom) {
		Mono<Void> home = copyFrom != null ? files.copyHome(copyFrom, workspace.name())
				: files.createHome(workspace.name(), workspace.repository(), properties.cloneTimeout());
		return home.then(runtime.create(spec(workspace)))
			.flatMap(id -> repository.save(workspace.withRuntimeId(id)));
	}

	private Mono<Void> discard(Workspace workspace, WorkspaceRuntime runtime) {
		return runtime.delete(spec(workspace))
			.onErrorResume(e -> Mono.fromRunnable(() -> log.warn("Could not remove what the {} runtime made for the failed workspace {}: {}",
					runtime.kind(), workspace.name(), e.getMessage())))
			.then(files.deleteWorkspace(workspace.name()))
			.then(repository.deleteById(workspace.name()));
	}

	public Mono<WorkspaceResponse> start(String name) {
		return lanes.serialized(name, find(name).flatMap(workspace -> runtime(workspace).start(spec(workspace))
			.flatMap(id -> update(name, current -> current.withRuntimeId(id).withStatus(WorkspaceStatus.RUNNING)
				.usedAt(now()))))
			.doOnNext(workspace -> files.appendLog(name, "started"))
			.map(this::toResponse));
	}

	public Mono<WorkspaceResponse> stop(String name) {
		return lanes.serialized(name, find(name).flatMap(workspace -> runtime(workspace).stop(spec(workspace))
			.then(update(name, current -> current.withStatus(WorkspaceStatus.STOPPED))))
			.doOnNext(workspace -> files.appendLog(name, "stopped"))
			.flatMap(this::withLiveStatus)
			.map(this::toResponse));
	}

	/** Stops the workspace, removes what its runtime made, its home directory and its record. */
	public Mono<Void> delete(String name) {
		return lanes.serialized(name, find(name).flatMap(workspace -> {
			WorkspaceRuntime runtime = runtime(workspace);
			return runtime.stop(spec(workspace))
				.then(runtime.delete(spec(workspace)))
				.then(files.deleteWorkspace(name))
				.then(repository.deleteById(name));
		}));
	}

	public Flux<String> logs(String name, int tail, boolean follow) {
		return find(name).flatMapMany(workspace -> runtime(workspace).logs(spec(workspace), tail, follow));
	}

	public Mono<ExecResult> exec(String name, ExecRequest request) {
		return Mono.zip(find(name), values.get(settings.execDefaultTimeout), values.get(settings.execMaxTimeout))
			.flatMap(tuple -> {
				Workspace workspace = tuple.getT1();
				Duration timeout = request.timeoutSeconds() == null ? tuple.getT2()
						: Duration.ofSeconds(request.timeoutSeconds());
				if (timeout.compareTo(tuple.getT3()) > 0) {
					return Mono.error(new ApiException(dev.perch.shared.web.ProblemType.VALIDATION,
							"timeoutSeconds may be at most " + tuple.getT3().toSeconds() + ".",
							Map.of("errors", List.of(Map.of("field", "timeoutSeconds", "message",
									"must be at most " + tuple.getT3().toSeconds())))));
				}
				String workingDirectory = files.checkWorkingDirectory(request.workingDirectory());
				ExecCommand command = new ExecCommand(request.argv(), workingDirectory,
						request.env() == null ? Map.of() : request.env(), timeout,
						(int) properties.exec().maxOutput().toBytes());
				return requireRunning(workspace).then(runtime(workspace).exec(spec(workspace), command))
					.flatMap(result -> touch(workspace).thenReturn(result));
			});
	}

	/** Runs a command in the workspace for another module (the OpenCode adapter, say), with the same checks. */
	public Mono<ExecResult> exec(String name, ExecCommand command) {
		return find(name).flatMap(workspace -> requireRunning(workspace).then(runtime(workspace).exec(spec(workspace), command)));
	}

	/** Starts a long-running process in a running workspace, for another module (the OpenCode server lifecycle). */
	public Mono<WorkspaceProcess> spawn(String name, ProcessSpec process) {
		return find(name).flatMap(workspace -> requireRunning(workspace).then(runtime(workspace).spawn(spec(workspace), process)));
	}

	/** The host Perch connects to, and a workspace server binds, for ports of this workspace. */
	public Mono<String> reachableHost(String name) {
		return find(name).flatMap(workspace -> runtime(workspace).reachableHost(spec(workspace)));
	}

	/** Where the workspace home is as processes inside the workspace see it. */
	public Mono<Path> homeInside(String name) {
		return find(name).map(workspace -> runtime(workspace).homeInside(spec(workspace)));
	}

	public Mono<List<PortForward>> ports(String name) {
		return find(name).map(this::ports);
	}

	/** Replaces the port forwards; they take effect at the next start, so a running docker workspace refuses. */
	public Mono<List<PortForward>> replacePorts(String name, PortsRequest request) {
		return lanes.serialized(name, find(name).flatMap(workspace -> forbidWhileRunning(workspace)
			.then(portAllocator.assign(name, request.ports()))
			.flatMap(ports -> update(name, current -> current.withPorts(json.writeValueAsString(ports))))
			.map(this::ports)));
	}

	/** Brings stored statuses in line with the runtimes, at start-up and then every minute. */
	@Scheduled(initialDelay = 0, fixedDelayString = "${perch.workspaces.reconcile-interval:60s}")
	Mono<Void> reconcile() {
		return repository.findAll()
			.flatMap(workspace -> withLiveStatus(workspace).onErrorResume(e -> {
				log.debug("Cannot reconcile workspace {}: {}", workspace.name(), e.getMessage());
				return Mono.empty();
			}), 4)
			.then();
	}

	private Mono<Void> requireRunning(Workspace workspace) {
		return runtime(workspace).status(spec(workspace))
			.flatMap(status -> status == WorkspaceStatus.RUNNING ? Mono.<Void>empty()
					: Mono.error(new ApiException(WorkspaceProblems.STATE, "Workspace '" + workspace.name() + "' is "
							+ status.json() + "; start it first.", Map.of("workspace", workspace.name(), "workspaceStatus", status.json()))));
	}

	private Mono<Void> forbidWhileRunning(Workspace workspace) {
		if (!"docker".equals(workspace.runtime())) {
			return Mono.empty();
		}
		return runtime(workspace).status(spec(workspace))
			.flatMap(status -> status != WorkspaceStatus.RUNNING ? Mono.<Void>empty()
					: Mono.error(new ApiException(WorkspaceProblems.STATE, "Ports of a running docker workspace cannot change; stop '"
							+ workspace.name() + "' first (they apply at the next start).", Map.of("workspace", workspace.name()))));
	}

	private Mono<Workspace> withLiveStatus(Workspace workspace) {
		return runtime(workspace).status(spec(workspace))
			.flatMap(status -> status.json().equals(workspace.status()) ? Mono.just(workspace)
					: update(workspace.name(), current -> current.withStatus(status)));
	}

	private Mono<Workspace> touch(Workspace workspace) {
		return update(workspace.name(), current -> current.usedAt(now()));
	}

	/** Re-reads the workspace and applies a change, again on fresh state when a concurrent change won. */
	private Mono<Workspace> update(String name, Function<Workspace, Workspace> change) {
		return find(name).map(change)
			.flatMap(repository::save)
			.retryWhen(Retry.max(5).filter(OptimisticLockingFailureException.class::isInstance));
	}

	private Instant now() {
		return clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	private Mono<Workspace> find(String name) {
		if (!WorkspaceNames.isValid(name)) {
			return Mono.error(() -> new WorkspaceNotFoundException(name));
		}
		return repository.findById(name).switchIfEmpty(Mono.error(() -> new WorkspaceNotFoundException(name)));
	}

	private WorkspaceRuntime runtime(Workspace workspace) {
		return runtime(workspace.runtime());
	}

	private WorkspaceRuntime runtime(String kind) {
		WorkspaceRuntime runtime = runtimes.get(kind);
		if (runtime == null) {
			throw new RuntimeUnavailableException(kind, "The " + kind + " runtime is not enabled on this server.",
					new IllegalStateException(kind));
		}
		return runtime;
	}

	WorkspaceSpec spec(Workspace workspace) {
		return new WorkspaceSpec(workspace.name(), workspace.image(), env(workspace), files.home(workspace.name()),
				ports(workspace), workspace.runtimeId());
	}

	private Map<String, String> env(Workspace workspace) {
		return json.readValue(workspace.env(), ENV);
	}

	private List<PortForward> ports(Workspace workspace) {
		return json.readValue(workspace.ports(), PORTS);
	}

	private WorkspaceResponse toResponse(Workspace workspace) {
		WorkspaceSpec spec = spec(workspace);
		return new WorkspaceResponse(workspace.name(), workspace.runtime(), workspace.image(),
				WorkspaceStatus.parse(workspace.status()), workspace.repository(),
				spec.env().keySet().stream().sorted(Comparator.naturalOrder()).toList(), spec.ports(),
				spec.home().toString(), runtime(workspace).homeInside(spec).toString(), workspace.createdAt(),
				workspace.lastUsedAt());
	}

	private static ApiException exists(String name) {
		return new ApiException(WorkspaceProblems.EXISTS, "A workspace named '" + name + "' already exists.",
				Map.of("workspace", name));
	}

}
