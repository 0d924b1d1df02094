package dev.perch.workspace.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the lifecycle operations of one workspace one at a time (start, stop, delete, new ports), in the
 * order they arrived; different workspaces do not wait for each other. Without it, two concurrent starts of
 * a workspace whose container is gone would both create one, and the loser fails with the engine's
 * conflict. Nothing blocks a thread: an operation subscribes when the one before it has finished (or
 * failed, or was cancelled).
 */
public final class WorkspaceLanes {

	private final ConcurrentHashMap<String, Mono<Void>> tails = new ConcurrentHashMap<>();

	/** {@code operation}, subscribed once every earlier operation of {@code workspace} has ended. */
	public <T> Mono<T> serialized(String workspace, Mono<T> operation) {
		return Mono.defer(() -> {
			Sinks.Empty<Void> ended = Sinks.empty();
			AtomicReference<Mono<Void>> before = new AtomicReference<>(Mono.empty());
			// the next one waits for this one and for everything this one waited for
			Mono<Void> tail = tails.compute(workspace, (name, previous) -> {
				Mono<Void> earlier = previous == null ? Mono.empty() : previous;
				before.set(earlier);
				return Mono.when(earlier, ended.asMono()).cache();
			});
			// forget the lane once it and everything before it ended (not when this one alone ended: a
			// cancelled waiter must not let a later operation overtake the one still running before it)
			tail.subscribe(null, null, () -> tails.remove(workspace, tail));
			return before.get().then(operation).doFinally(signal -> ended.tryEmitEmpty());
		});
	}

	/** Workspaces with an operation running or waiting. */
	public int busy() {
		return tails.size();
	}

}
