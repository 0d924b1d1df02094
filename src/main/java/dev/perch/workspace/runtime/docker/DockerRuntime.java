package dev.perch.workspace.runtime.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.workspace.ExecCommand;
import dev.perch.workspace.ExecResult;
import dev.perch.workspace.ExecTimeoutException;
import dev.perch.workspace.PortForward;
import dev.perch.workspace.ProcessSpec;
import dev.perch.workspace.RuntimeFailedException;
import dev.perch.workspace.WorkspaceProblems;
import dev.perch.workspace.WorkspaceProcess;
import dev.perch.workspace.internal.WorkspaceProperties;
import dev.perch.workspace.WorkspaceRuntime;
import dev.perch.workspace.WorkspaceSpec;
import dev.perch.workspace.WorkspaceStatus;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A workspace is a container, labelled {@code dev.perch.workspace=<name>} and named {@code perch-<name>},
 * that runs the configured command; its home is the workspace's host directory, bind-mounted at the
 * configured path, which is also its {@code HOME} and working directory. Port forwards are published on
 * 127.0.0.1 only. Commands run as engine execs with argv; a command past its timeout, or a spawned
 * process being stopped, is signalled by a second exec that finds its processes by a marker variable in
 * their environment (the engine can neither kill an exec nor tell its pid as the container sees it).
 */
@Component
class DockerRuntime implements WorkspaceRuntime, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

	static final String LABEL = "dev.perch.workspace";

	private static final String KIND = "docker";

	/** Signals ($1) every process whose environment holds the marker ($0): the exec'd program and its children. */
	private static final String SIGNAL_SCRIPT = "for d in /proc/[0-9]*; do case \"$(cat \"$d/environ\" 2>/dev/null)\" in "
			+ "*\"$0\"*) kill -\"$1\" \"${d#/proc/}\" 2>/dev/null;; esac; done; exit 0";

	/** Prints the pid of every process whose environment holds the marker ($0). */
	private static final String PIDS_SCRIPT = "for d in /proc/[0-9]*; do case \"$(cat \"$d/environ\" 2>/dev/null)\" in "
			+ "*\"$0\"*) echo \"${d#/proc/}\";; esac; done";

	/** Runs argv ($1…) with output appended to the log ($0); nothing is interpreted by the shell. */
	private static final String SPAWN_SCRIPT = "exec \"$@\" >>\"$0\" 2>&1 </dev/null";

	private static final Duration STOP_GRACE = Duration.ofSeconds(5);

	private final WorkspaceProperties.Docker properties;

	private final DockerEngine engine;

	DockerRuntime(WorkspaceProperties properties, JsonMapper json) {
		this.properties = properties.docker();
		this.engine = new DockerEngine(this.properties.socket(), this.properties.apiTimeout(), json);
	}

	@Override
	public String kind() {
		return KIND;
	}

	@Override
	public Mono<String> create(WorkspaceSpec spec) {
		return createContainer(spec)
			.onErrorResume(EngineException.class, e -> e.isConflict() ? replaceLeftover(spec) : Mono.error(e))
			.onErrorMap(EngineException.class, e -> createFailed(spec, e));
	}

	/**
	 * Starts the container, first creating it again when it is gone or when its published ports are not
	 * the workspace's (they can only be set at creation).
	 */
	@Override
	public Mono<String> start(WorkspaceSpec spec) {
		return find(spec)
			.flatMap(container -> portsMatch(container, spec) ? Mono.just(id(container))
					: remove(id(container)).then(create(spec)))
			.switchIfEmpty(Mono.defer(() -> create(spec)))
			.flatMap(id -> engine.post(engine.uri("/containers/{id}/start", id), null)
				.onErrorMap(EngineException.class, e -> refused("start", spec, e))
				.thenReturn(id))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	@Override
	public Mono<Void> stop(WorkspaceSpec spec) {
		long seconds = Math.max(0, properties.stopTimeout().toSeconds());
		return find(spec).flatMap(container -> engine
			.post(engine.uri("/containers/{id}/stop?t={t}", id(container), seconds), null,
					properties.stopTimeout().plus(properties.apiTimeout()))
			.onErrorResume(EngineException.class, e -> e.isNotFound() ? Mono.empty() : Mono.error(refused("stop", spec, e))))
			.then()
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	/** Removes the container, whether it runs or not; one that is already gone is fine. Only a container with the workspace's label is removed. */
	@Override
	public Mono<Void> delete(WorkspaceSpec spec) {
		return find(spec).flatMap(container -> remove(id(container)))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	@Override
	public Mono<WorkspaceStatus> status(WorkspaceSpec spec) {
		return find(spec).map(container -> container.path("State").path("Running").asBoolean(false)
				? WorkspaceStatus.RUNNING : WorkspaceStatus.STOPPED)
			.defaultIfEmpty(WorkspaceStatus.MISSING)
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	/** The container's output; following ends when the container stops or the subscriber cancels. */
	@Override
	public Flux<String> logs(WorkspaceSpec spec, int tail, boolean follow) {
		return find(spec).switchIfEmpty(Mono.error(() -> missing(spec)))
			.flatMapMany(container -> lines(engine.stream(HttpMethod.GET,
					engine.uri("/containers/{id}/logs?stdout=true&stderr=true&tail={tail}&follow={follow}", id(container),
							tail, follow),
					null)))
			.onErrorMap(EngineException.class, e -> e.isNotFound() ? missing(spec) : failed(e));
	}

	@Override
	public Mono<ExecResult> exec(WorkspaceSpec spec, ExecCommand command) {
		return Mono.zip(workingDirectory(spec, command.workingDirectory()), containerId(spec))
			.flatMap(target -> run(spec, command, target.getT2(), target.getT1()))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	/** Runs the command attached to its output; past its timeout it is killed, with its children. */
	private Mono<ExecResult> run(WorkspaceSpec spec, ExecCommand command, String container, String directory) {
		String marker = "PERCH_EXEC=" + UUID.randomUUID();
		long started = System.nanoTime();
		return createExec(container, command.argv(), directory, env(command.env(), marker), true)
			.flatMap(exec -> attached(exec, command.maxOutputBytes())
				.timeout(command.timeout())
				.onErrorResume(TimeoutException.class, e -> killAfterTimeout(container, marker)
					.then(Mono.error(new ExecTimeoutException(spec.name(), command.timeout()))))
				.flatMap(output -> ended(exec).map(state -> result(command, output, state, started))));
	}

	@Override
	public Mono<WorkspaceProcess> spawn(WorkspaceSpec spec, ProcessSpec process) {
		return logDirectory(spec, process.logFile())
			.then(Mono.zip(workingDirectory(spec, process.workingDirectory()), containerId(spec)))
			.flatMap(target -> detached(spec, process, target.getT2(), target.getT1()))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	/** Starts the process as a detached exec, its output appended to its log file, and finds its pid. */
	private Mono<WorkspaceProcess> detached(WorkspaceSpec spec, ProcessSpec process, String container, String directory) {
		String marker = "PERCH_PROCESS=" + UUID.randomUUID();
		List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", SPAWN_SCRIPT, inside(process.logFile())));
		argv.addAll(process.argv());
		return createExec(container, argv, directory, env(process.env(), marker), false)
			.flatMap(exec -> engine.post(engine.uri("/exec/{id}/start", exec), Map.of("Detach", true, "Tty", false))
				.onErrorMap(EngineException.class, e -> refused("start a process in", spec, e))
				.then(pid(container, marker))
				.map(pid -> new ContainerProcess(this, container, exec, marker, pid)));
	}

	@Override
	public Mono<String> reachableHost(WorkspaceSpec spec) {
		if ("host".equals(properties.network())) {
			return Mono.just("127.0.0.1");
		}
		return find(spec).switchIfEmpty(Mono.error(() -> missing(spec)))
			.mapNotNull(DockerRuntime::address)
			.switchIfEmpty(Mono.error(() -> new ApiException(WorkspaceProblems.STATE, "Workspace '" + spec.name()
					+ "' has no address on network " + properties.network() + "; start it first.",
					Map.of("workspace", spec.name()))))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	@Override
	public Path homeInside(WorkspaceSpec spec) {
		return Path.of(properties.home());
	}

	@Override
	public void destroy() {
		engine.dispose();
	}

	/** Whether the process a {@link ContainerProcess} stands for still runs (an exec of a removed container does not). */
	Mono<Boolean> running(String exec) {
		return engine.get(engine.uri("/exec/{id}/json", exec))
			.map(state -> state.path("Running").asBoolean(false))
			.onErrorResume(EngineException.class, e -> e.isNotFound() ? Mono.just(false) : Mono.error(failed(e)));
	}

	/**
	 * Sends a signal to the processes carrying the marker and waits for the signalling exec to finish. In
	 * a container that is gone or stopped there is nothing left to signal.
	 */
	Mono<Void> signal(String container, String marker, String signal) {
		return execIn(container, List.of("/bin/sh", "-c", SIGNAL_SCRIPT, marker, signal), properties.home(), List.of(), true)
			.flatMap(exec -> attached(exec, 4096))
			.onErrorResume(EngineException.class, e -> Mono.empty())
			.then();
	}

	/** The command is answered with a 504 whether or not it could be killed; a failure to kill it is logged. */
	private Mono<Void> killAfterTimeout(String container, String marker) {
		return signal(container, marker, "KILL")
			.doOnError(e -> log.warn("Could not kill a timed-out command in container {}: {}", container, e.getMessage()))
			.onErrorResume(e -> Mono.empty());
	}

	/** TERM, then KILL when the process has not ended after a grace period. */
	Mono<Void> terminate(String container, String exec, String marker) {
		Mono<Boolean> ended = Flux.interval(Duration.ZERO, Duration.ofMillis(100))
			.onBackpressureDrop()
			.concatMap(tick -> running(exec))
			.any(running -> !running)
			.timeout(STOP_GRACE, Mono.just(false));
		return signal(container, marker, "TERM")
			.then(ended)
			.flatMap(done -> done ? Mono.<Void>empty() : signal(container, marker, "KILL"))
			.onErrorMap(EngineException.class, DockerRuntime::failed);
	}

	private Mono<String> createContainer(WorkspaceSpec spec) {
		return engine.post(engine.uri("/containers/create?name={name}", containerName(spec)), containerConfig(spec))
			.map(created -> created.path("Id").asString(""));
	}

	/** A container with this workspace's name and label that Perch no longer knows (a failed delete, a lost database). */
	private Mono<String> replaceLeftover(WorkspaceSpec spec) {
		return inspect(containerName(spec)).filter(container -> belongsTo(container, spec))
			.switchIfEmpty(Mono.error(() -> new RuntimeFailedException(KIND, "A container named " + containerName(spec)
					+ " exists and was not made by Perch for this workspace; remove or rename it.")))
			.flatMap(container -> remove(id(container)))
			.then(Mono.defer(() -> createContainer(spec)));
	}

	private Map<String, Object> containerConfig(WorkspaceSpec spec) {
		Map<String, Object> exposed = new LinkedHashMap<>();
		Map<String, Object> bindings = new LinkedHashMap<>();
		for (PortForward forward : spec.ports()) {
			exposed.put(forward.port() + "/tcp", Map.of());
			bindings.put(forward.port() + "/tcp", List.of(Map.of("HostIp", "127.0.0.1",
					"HostPort", String.valueOf(Objects.requireNonNull(forward.hostPort(), "host port")))));
		}
		List<String> env = new ArrayList<>();
		spec.env().forEach((name, value) -> env.add(name + "=" + value));
		env.add("HOME=" + properties.home());
		env.add("PERCH_WORKSPACE=" + spec.name());
		Map<String, Object> host = new LinkedHashMap<>();
		host.put("NetworkMode", properties.network());
		host.put("Mounts", List.of(Map.of("Type", "bind", "Source", spec.home().toAbsolutePath().toString(),
				"Target", properties.home())));
		host.put("PortBindings", bindings);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("Image", Objects.requireNonNull(spec.image(), "a docker workspace has an image"));
		config.put("Cmd", properties.command());
		config.put("Tty", false);
		config.put("Env", env);
		config.put("WorkingDir", properties.home());
		config.put("Labels", Map.of(LABEL, spec.name()));
		config.put("ExposedPorts", exposed);
		config.put("HostConfig", host);
		return config;
	}

	/** The workspace's container: by its id, else by its name, else by its label; empty when there is none. */
	private Mono<JsonNode> find(WorkspaceSpec spec) {
		Mono<JsonNode> byId = spec.runtimeId() == null ? Mono.empty() : inspect(spec.runtimeId());
		return byId.filter(container -> belongsTo(container, spec))
			.switchIfEmpty(Mono.defer(() -> inspect(containerName(spec)).filter(container -> belongsTo(container, spec))))
			.switchIfEmpty(Mono.defer(() -> byLabel(spec)));
	}

	private Mono<JsonNode> byLabel(WorkspaceSpec spec) {
		String filters = "{\"label\":[\"" + LABEL + "=" + spec.name() + "\"]}";
		return engine.get(engine.uri("/containers/json?all=true&filters={filters}", filters))
			.flatMapMany(list -> Flux.fromIterable(list.values()))
			.next()
			.flatMap(summary -> inspect(summary.path("Id").asString("")));
	}

	private Mono<JsonNode> inspect(String idOrName) {
		return engine.get(engine.uri("/containers/{id}/json", idOrName))
			.onErrorResume(EngineException.class, e -> e.isNotFound() ? Mono.empty() : Mono.error(e));
	}

	private Mono<Void> remove(String id) {
		return engine.delete(engine.uri("/containers/{id}?force=true", id))
			.onErrorResume(EngineException.class, e -> e.isNotFound() ? Mono.empty()
					: Mono.error(new RuntimeFailedException(KIND, "The Docker engine did not remove container " + id + ": "
							+ e.message())));
	}

	/** The id of the container for execs: the known one, or the one found, or a 409 problem when it is gone. */
	private Mono<String> containerId(WorkspaceSpec spec) {
		return spec.runtimeId() != null ? Mono.just(spec.runtimeId())
				: find(spec).map(DockerRuntime::id).switchIfEmpty(Mono.error(() -> missing(spec)));
	}

	/** An exec, not started yet; a container that is gone or stopped answers a 409 problem. */
	private Mono<String> createExec(String container, List<String> argv, String directory, List<String> env, boolean attach) {
		return execIn(container, argv, directory, env, attach)
			.onErrorMap(EngineException.class, e -> new ApiException(WorkspaceProblems.STATE,
					"The workspace's container cannot run commands: " + e.message(), Map.of("runtime", KIND)));
	}

	private Mono<String> execIn(String container, List<String> argv, String directory, List<String> env, boolean attach) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("Cmd", argv);
		config.put("WorkingDir", directory);
		config.put("Env", env);
		config.put("AttachStdin", false);
		config.put("AttachStdout", attach);
		config.put("AttachStderr", attach);
		config.put("Tty", false);
		return engine.post(engine.uri("/containers/{id}/exec", container), config)
			.map(created -> created.path("Id").asString(""));
	}

	/** Starts an exec attached to its output and collects it; completes when the process and its output end. */
	private Mono<CappedOutput> attached(String exec, int cap) {
		return engine.stream(HttpMethod.POST, engine.uri("/exec/{id}/start", exec), Map.of("Detach", false, "Tty", false))
			.collect(() -> new CappedOutput(cap), CappedOutput::add);
	}

	/** The exec's final state; the engine may record the exit code a moment after the output ended. */
	private Mono<JsonNode> ended(String exec) {
		return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
			.onBackpressureDrop()
			.concatMap(tick -> engine.get(engine.uri("/exec/{id}/json", exec)))
			.filter(state -> !state.path("Running").asBoolean(false) && state.path("ExitCode").isNumber())
			.next()
			.timeout(properties.apiTimeout(), Mono.error(() -> new RuntimeFailedException(KIND,
					"The Docker engine did not report how the command ended.")));
	}

	/**
	 * The result of an exec. A program the engine could not start (it does not exist, it is not
	 * executable) never got a pid: that is answered like a shell does, 127 or 126 with the reason on stderr.
	 */
	private static ExecResult result(ExecCommand command, CappedOutput output, JsonNode state, long started) {
		int exitCode = state.path("ExitCode").asInt(-1);
		long millis = (System.nanoTime() - started) / 1_000_000;
		if (state.path("Pid").asLong(0) == 0 && exitCode == 126) {
			String reason = output.stdout().strip();
			boolean absent = reason.contains("not found") || reason.contains("no such file");
			return new ExecResult(absent ? 127 : 126, "", "perch: cannot run '" + command.argv().get(0) + "': " + reason + "\n",
					false, false, millis);
		}
		return new ExecResult(exitCode, output.stdout(), output.stderr(), output.stdoutTruncated(),
				output.stderrTruncated(), millis);
	}

	/** The pid, as the container sees it, of the process carrying the marker (the lowest, when it has children). */
	private Mono<Long> pid(String container, String marker) {
		return createExec(container, List.of("/bin/sh", "-c", PIDS_SCRIPT, marker), properties.home(), List.of(), true)
			.flatMap(exec -> attached(exec, 65536))
			.map(output -> output.stdout().lines().filter(line -> line.matches("\\d+")).mapToLong(Long::parseLong).min().orElse(-1));
	}

	private static Flux<String> lines(Flux<StreamFrames.Frame> frames) {
		return Flux.defer(() -> {
			FrameLines lines = new FrameLines();
			return frames.concatMapIterable(lines::feed).concatWith(Flux.defer(() -> Flux.fromIterable(lines.rest())));
		});
	}

	/** The working directory inside the container; it must exist in the home (checked on the host side of the mount). */
	private Mono<String> workingDirectory(WorkspaceSpec spec, @Nullable String relative) {
		if (relative == null) {
			return Mono.just(properties.home());
		}
		return Mono.fromCallable(() -> Files.isDirectory(spec.home().resolve(relative)))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(exists -> exists ? Mono.just(inside(relative)) : Mono.error(() -> {
				String message = "does not exist in the workspace home";
				return new ApiException(ProblemType.VALIDATION, "workingDirectory " + message + ".",
						Map.of("errors", List.of(Map.of("field", "workingDirectory", "message", message))));
			}));
	}

	private Mono<Void> logDirectory(WorkspaceSpec spec, String logFile) {
		return Mono.fromCallable(() -> Files.createDirectories(spec.home().resolve(logFile).toAbsolutePath().getParent()))
			.subscribeOn(Schedulers.boundedElastic())
			.then();
	}

	private String inside(String relative) {
		return Path.of(properties.home()).resolve(relative).normalize().toString();
	}

	private static List<String> env(Map<String, String> extra, String marker) {
		List<String> env = new ArrayList<>();
		extra.forEach((name, value) -> env.add(name + "=" + value));
		env.add(marker);
		return env;
	}

	private static boolean portsMatch(JsonNode container, WorkspaceSpec spec) {
		Set<String> actual = new HashSet<>();
		container.path("HostConfig").path("PortBindings").properties().forEach(binding -> binding.getValue().values()
			.forEach(host -> actual.add(binding.getKey() + "->" + host.path("HostIp").asString("") + ":"
					+ host.path("HostPort").asString(""))));
		Set<String> wanted = new HashSet<>();
		spec.ports().forEach(forward -> wanted.add(forward.port() + "/tcp->127.0.0.1:" + forward.hostPort()));
		return actual.equals(wanted);
	}

	private static @Nullable String address(JsonNode container) {
		JsonNode settings = container.path("NetworkSettings");
		for (JsonNode network : settings.path("Networks").values()) {
			String address = network.path("IPAddress").asString("");
			if (!address.isBlank()) {
				return address;
			}
		}
		String address = settings.path("IPAddress").asString("");
		return address.isBlank() ? null : address;
	}

	private static boolean belongsTo(JsonNode container, WorkspaceSpec spec) {
		return spec.name().equals(container.path("Config").path("Labels").path(LABEL).asString(""));
	}

	private static String id(JsonNode container) {
		return container.path("Id").asString("");
	}

	private static String containerName(WorkspaceSpec spec) {
		return "perch-" + spec.name();
	}

	private static ApiException createFailed(WorkspaceSpec spec, EngineException e) {
		if (e.isNotFound()) {
			return new ApiException(WorkspaceProblems.IMAGE_NOT_FOUND, "Image '" + spec.image()
					+ "' is not on the Docker engine (Perch does not pull images): " + e.message(),
					Map.of("image", String.valueOf(spec.image())));
		}
		return refused("create", spec, e);
	}

	/** An engine error nothing more specific was said about: a 502 problem with the engine's message. */
	private static RuntimeFailedException failed(EngineException e) {
		return new RuntimeFailedException(KIND, "The Docker engine refused the request: " + e.message());
	}

	private static RuntimeFailedException refused(String what, WorkspaceSpec spec, EngineException e) {
		return new RuntimeFailedException(KIND, "The Docker engine could not " + what + " the container of workspace '"
				+ spec.name() + "': " + e.message());
	}

	private static ApiException missing(WorkspaceSpec spec) {
		return new ApiException(WorkspaceProblems.STATE, "The container of workspace '" + spec.name()
				+ "' is missing; start the workspace to create it again.", Map.of("workspace", spec.name()));
	}

}
