package dev.perch.workspace.runtime.docker;

import dev.perch.workspace.WorkspaceProcess;
import reactor.core.publisher.Mono;

/**
 * A process spawned with a detached exec: alive while the engine says the exec runs; stopped with TERM,
 * then KILL, sent to every process that carries its marker variable (it and its children).
 *
 * @param pid the pid as the container sees it, {@code -1} when the process had already ended
 */
record ContainerProcess(DockerRuntime runtime, String container, String exec, String marker, long pid)
		implements WorkspaceProcess {

	@Override
	public Mono<Boolean> isAlive() {
		return runtime.running(exec);
	}

	@Override
	public Mono<Void> stop() {
		return runtime.terminate(container, exec, marker);
	}

}
