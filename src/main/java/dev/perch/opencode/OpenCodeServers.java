package dev.perch.opencode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.opencode.OpenCodeSettings.Limits;
import dev.perch.opencode.wire.EventReader;
import dev.perch.opencode.wire.HealthJson;
import dev.perch.shared.settings.PortRange;
import dev.perch.shared.settings.SettingType;
import dev.perch.workspace.ProcessSpec;
import dev.perch.workspace.WorkspaceProcess;
import dev.perch.workspace.WorkspaceService;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code opencode serve} per workspace: started on demand in the workspace (argv, never a shell),
 * bound to the workspace's reachable host on a port of {@code perch.opencode.ports}, with its state
 * directories inside the workspace home; health-checked with a bound before use; reused while alive;
 * started again if it died; stopped after {@code opencode.idle-stop} without turns or viewers, and on shutdown.
 */
@Service
public class OpenCodeServers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(OpenCodeServers.class);

	static final String LOG_FILE = ".perch/opencode.log";

	private final WorkspaceService workspaces;

	private final OpenCodeProperties properties;

	private final OpenCodeLimits settings;

	private final WebClient.Builder webClients;

	private final EventReader reader;

	private final Clock clock;

	private final ConnectionProvider connections = ConnectionProvider.builder("opencode")
		.maxConnections(2000)
		.maxIdleTime(Duration.ofSeconds(20))
		.evictInBackground(Duration.ofSeconds(10))
		.build();

	private final Map<String, Mono<Server>> servers = new ConcurrentHashMap<>();

	private final Set<Integer> reservedPorts = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	OpenCodeServers(WorkspaceService workspaces, OpenCodeProperties properties, OpenCodeLimits settings,
			WebClient.Builder webClients, JsonMapper json, Clock clock) {
		this.workspaces = workspaces;
		this.properties = properties;
		this.settings = settings;
		this.webClients = webClients;
		this.reader = new EventReader(json);
		this.clock = clock;
	}

	/**
	 * Runs {@code work} with the workspace's server, started if needed; the server counts as in use (and is
	 * not stopped for idleness) until the returned stream ends or is cancelled.
	 */
	public <T> Flux<T> use(String workspace, Function<OpenCodeClient, Flux<T>> work) {
		return Flux.usingWhen(acquire(workspace).map(Lease::new), lease -> work.apply(lease.server.client),
				Lease::release, (lease, error) -> lease.release(), Lease::release);
	}

	/** Like {@link #use} for a single answer. */
	public <T> Mono<T> call(String workspace, Function<OpenCodeClient, Mono<T>> work) {
		return use(workspace, client -> work.apply(client).flux()).next();
	}

	/**
	 * Like {@link #call}, but only with a server that already runs for the workspace: empty when none does
	 * (never starts one, so reading or deleting a session does not spawn a server).
	 */
	public <T> Mono<T> callIfRunning(String workspace, Function<OpenCodeClient, Mono<T>> work) {
		return Mono.defer(() -> {
			Mono<Server> current = servers.get(workspace);
			return current == null ? Mono.<T>empty()
					: current.onErrorResume(e -> Mono.empty())
						.filterWhen(server -> server.process.isAlive())
						.flatMap(server -> call(workspace, work));
		});
	}

	/** The server's state; a workspace whose server is not running shows {@code stopped}. */
	public Mono<OpenCodeServerState> state(String workspace) {
		Mono<Server> current = servers.get(workspace);
		Mono<OpenCodeServerState> stopped = Mono.fromSupplier(() -> OpenCodeServerState.stopped(workspace));
		return workspaces.get(workspace).then(current == null ? stopped
				: current.flatMap(server -> server.process.isAlive()
					.map(alive -> alive ? server.state() : OpenCodeServerState.stopped(workspace)))
					.onErrorResume(e -> stopped));
	}

	/** Stops the workspace's server if one runs. */
	public Mono<Void> stop(String workspace) {
		Mono<Server> current = servers.remove(workspace);
		return current == null ? Mono.empty() : current.flatMap(this::stop).onErrorResume(e -> stopFailed(workspace, e));
	}

	/**
	 * The workspace's server, with one use counted on it (the caller's {@link Lease} gives it back). A server
	 * that has died, or that {@link #stopIdle} has just taken to stop, is replaced by a new one, once.
	 */
	private Mono<Server> acquire(String workspace) {
		return acquire(workspace, true);
	}

	/** {@code replaceable}: the first try, which checks the process and replaces a dead or retired server. */
	private Mono<Server> acquire(String workspace, boolean replaceable) {
		return Mono.defer(() -> {
			Mono<Server> current = servers.computeIfAbsent(workspace, name -> start(name).cache());
			return current.onErrorResume(e -> forget(workspace, current).then(Mono.error(e)))
				.flatMap(server -> (replaceable ? server.process.isAlive() : Mono.just(true)).flatMap(alive -> {
					if (alive && server.uses.tryStart(clock.instant())) {
						return Mono.just(server);
					}
					if (!replaceable) {
						return Mono.error(OpenCodeException.unavailable("the server (it was being stopped as idle)",
								new IllegalStateException("stopping")));
					}
					if (!alive) {
						log.info("OpenCode server of workspace {} has died; starting it again", workspace);
					}
					return forget(workspace, current).then(acquire(workspace, false));
				}));
		});
	}

	private Mono<Void> forget(String workspace, Mono<Server> current) {
		return Mono.fromRunnable(() -> servers.remove(workspace, current));
	}

	private Mono<Server> start(String workspace) {
		return Mono.zip(workspaces.reachableHost(workspace), workspaces.homeInside(workspace), settings.current())
			.flatMap(t -> pickPort(t.getT1()).flatMap(port -> spawn(workspace, t.getT1(), port, t.getT2(), t.getT3())
				.onErrorResume(e -> Mono.fromRunnable(() -> reservedPorts.remove(port)).then(Mono.error(e)))));
	}

	private Mono<Server> spawn(String workspace, String host, int port, Path home, Limits limits) {
		ProcessSpec spec = new ProcessSpec(List.of(properties.binary(), "serve", "--hostname", host, "--port",
				Integer.toString(port)), null, environment(home), LOG_FILE);
		OpenCodeClient client = new OpenCodeClient(webClient(host, port, limits), settings, reader);
		return workspaces.spawn(workspace, spec)
			.flatMap(process -> awaitHealthy(workspace, client, process, limits)
				.map(health -> new Server(workspace, host, port, home.toString(), process, client,
						health.version(), clock.instant()))
				.onErrorResume(e -> process.stop().onErrorResume(x -> Mono.empty()).then(Mono.error(e))))
			.doOnNext(server -> started(server, host, port));
	}

	private void started(Server server, String host, int port) {
		log.info("Started OpenCode {} for workspace {} on {}:{} (pid {})", server.version, server.workspace, host, port,
				server.process.pid());
		if (!properties.version().equals(server.version)) {
			log.warn("OpenCode {} runs for workspace {}, but Perch is tested with {} (perch.opencode.version); its events "
					+ "or API may differ. scripts/install-opencode.sh installs the tested version.", server.version,
					server.workspace, properties.version());
		}
	}

	private Mono<HealthJson> awaitHealthy(String workspace, OpenCodeClient client, WorkspaceProcess process,
			Limits limits) {
		Duration bound = properties.startupTimeout();
		return process.isAlive()
			.flatMap(alive -> alive ? client.health(limits.connectTimeout())
					: Mono.error(OpenCodeException.startFailed(workspace, "the process exited.")))
			.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100))
				.filter(e -> !(e instanceof OpenCodeException api && api.problemType() == OpenCodeProblems.START_FAILED)))
			.timeout(bound, Mono.error(() -> OpenCodeException.startFailed(workspace,
					"it did not answer its health check within " + SettingType.print(bound) + ".")));
	}

	/** State directories under the workspace home, so sessions and config are the workspace's own. */
	private Map<String, String> environment(Path home) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
		env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
		env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
		env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
		env.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
		env.putAll(properties.env());
		return env;
	}

	private WebClient webClient(String host, int port, Limits limits) {
		HttpClient http = HttpClient.create(connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis());
		return webClients.clone()
			.baseUrl("http://" + host + ":" + port)
			.clientConnector(new ReactorClientHttpConnector(http))
			.build();
	}

	private Mono<Integer> pickPort(String host) {
		PortRange range = properties.ports();
		return Mono.fromCallable(() -> {
			for (int port = range.first(); port <= range.last(); port++) {
				if (!reservedPorts.contains(port) && PortRange.isFreeOnLoopback(port) && reservedPorts.add(port)) {
					return port;
				}
			}
			throw OpenCodeException.noFreePort(range.toString());
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/** Stops servers that no turn or viewer used for {@code opencode.idle-stop}. */
	@Scheduled(fixedDelayString = "${perch.opencode.idle-check:30s}", initialDelayString = "${perch.opencode.idle-check:30s}")
	Mono<Void> stopIdle() {
		return settings.current().flatMap(limits -> Flux.fromIterable(List.copyOf(servers.entrySet()))
			.flatMap(entry -> entry.getValue()
				// taken under the same count as a use: a request that comes meanwhile gets a new server, not this one
				.filter(server -> server.uses.retireIfIdle(limits.idleStop(), clock.instant()))
				.flatMap(server -> Mono.fromRunnable(() -> servers.remove(entry.getKey(), entry.getValue()))
					.then(Mono.fromRunnable(() -> log.info("Stopping idle OpenCode server of workspace {}", server.workspace)))
					.then(stop(server)))
				.onErrorResume(e -> stopFailed(entry.getKey(), e)))
			.then());
	}

	/** A server that cannot be stopped is logged and left; stopping the others goes on. */
	private static Mono<Void> stopFailed(String workspace, Throwable error) {
		return Mono.fromRunnable(() -> log.warn("Could not stop the OpenCode server of workspace {}: {}", workspace,
				error.getMessage()));
	}

	private Mono<Void> stop(Server server) {
		return server.process.stop()
			.then(Mono.fromRunnable(() -> reservedPorts.remove(server.port)));
	}

	@Override
	public void start() {
		running = true;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** All servers end with Perch; the framework waits for the callback. */
	@Override
	public void stop(Runnable callback) {
		running = false;
		List<Mono<Server>> all = List.copyOf(servers.values());
		servers.clear();
		Flux.fromIterable(all)
			.flatMap(server -> server.flatMap(this::stop).onErrorResume(e -> stopFailed("(shutdown)", e)))
			.then()
			.timeout(Duration.ofSeconds(15), Mono.empty())
			.toFuture()
			.orTimeout(20, TimeUnit.SECONDS)
			.whenComplete((done, error) -> {
				connections.dispose();
				callback.run();
			});
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/** A started server. */
	private final class Server {

		final String workspace;

		final String host;

		final int port;

		final String project;

		final WorkspaceProcess process;

		final OpenCodeClient client;

		final String version;

		final Instant startedAt;

		final Uses uses;

		Server(String workspace, String host, int port, String project, WorkspaceProcess process, OpenCodeClient client,
				@org.jspecify.annotations.Nullable String version, Instant startedAt) {
			this.workspace = workspace;
			this.host = host;
			this.port = port;
			this.project = project;
			this.process = process;
			this.client = client;
			this.version = version == null ? "unknown" : version;
			this.startedAt = startedAt;
			this.uses = new Uses(startedAt);
		}

		OpenCodeServerState state() {
			return new OpenCodeServerState(workspace, "running", host, port, process.pid(), version, startedAt,
					uses.lastUsedAt(), uses.active());
		}

	}

	/** One use of a server: counted while it lasts, and it marks the server used when it ends. */
	private final class Lease {

		final Server server;

		/** Of a server {@link #acquire} counted a use on. */
		Lease(Server server) {
			this.server = server;
		}

		Mono<Void> release() {
			return Mono.fromRunnable(() -> server.uses.end(clock.instant()));
		}

	}

}
