package dev.perch.workspace;

import java.nio.file.Path;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a runtime does for a workspace. Two implementations: {@code local} (host directories and host
 * processes) and {@code docker} (a container per workspace). Every method is non-blocking; blocking
 * work runs on bounded-elastic threads inside the implementation. A runtime that cannot reach its
 * backend fails with {@link RuntimeUnavailableException}.
 */
public interface WorkspaceRuntime {

	/** The runtime's name in the API: {@code local} or {@code docker}. */
	String kind();

	/** Creates what the workspace needs (the container, for docker) and answers its runtime id. */
	Mono<String> create(WorkspaceSpec spec);

	/** Starts the workspace; starting a running workspace changes nothing. Answers the runtime id, new if recreated. */
	Mono<String> start(WorkspaceSpec spec);

	Mono<Void> stop(WorkspaceSpec spec);

	/** Removes what {@link #create} made; the home directory is removed by the caller. */
	Mono<Void> delete(WorkspaceSpec spec);

	/** The live status, never a cached one: a container removed behind Perch's back is {@link WorkspaceStatus#MISSING}. */
	Mono<WorkspaceStatus> status(WorkspaceSpec spec);

	/** The last {@code tail} lines of the workspace's log, then, if {@code follow}, new lines as they come. */
	Flux<String> logs(WorkspaceSpec spec, int tail, boolean follow);

	/** Runs argv (never a shell string) in the workspace; fails with {@link ExecTimeoutException} past the timeout. */
	Mono<ExecResult> exec(WorkspaceSpec spec, ExecCommand command);

	/** Starts a long-running process in a running workspace; it lives until stopped, the workspace stops, or Perch shuts down. */
	Mono<WorkspaceProcess> spawn(WorkspaceSpec spec, ProcessSpec process);

	/**
	 * The host name or address Perch connects to for a port a process in the workspace listens on, and
	 * the one that process should bind: {@code 127.0.0.1} for host processes and host-network containers,
	 * the container's own address on a bridge network (reachable from this host only, never published).
	 */
	Mono<String> reachableHost(WorkspaceSpec spec);

	/** Where the home directory is inside the workspace, as its processes see it. */
	Path homeInside(WorkspaceSpec spec);

}
