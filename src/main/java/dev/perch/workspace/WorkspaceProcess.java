package dev.perch.workspace;

import reactor.core.publisher.Mono;

/** A process started with {@link WorkspaceRuntime#spawn}: a host process, or a detached docker exec. */
public interface WorkspaceProcess {

	/** The process id as the workspace sees it. */
	long pid();

	Mono<Boolean> isAlive();

	/** Ends the process (TERM, then KILL after a grace period); a finished process is left alone. */
	Mono<Void> stop();

}
