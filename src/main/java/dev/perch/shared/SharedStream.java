package dev.perch.shared;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import reactor.core.Disposable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;

/**
 * One subscription to a source, shared by every subscriber of {@link #flux()}: made when the first one
 * arrives, cancelled once the last one has left (by cancelling, or because the source ended), made again
 * for the next one. A source that fails ends every current subscriber with the error; a later subscriber
 * gets a fresh subscription.
 * <p>
 * This is what {@code publish().refCount(1)} promises. reactor-core 3.8's {@code refCount} loses a
 * cancel that arrives while it is still registering the subscriber (from inside {@code onSubscribe}, or
 * from another thread at that moment; reactor/reactor-core#4289 and #4387): its count never drops back to
 * zero and the source stays subscribed for good. For Perch that was an OpenCode event stream (and the
 * server lease under it) left open after a viewer disconnected at the wrong moment. Here every subscriber
 * is counted in and out exactly once ({@code doFinally}), under a lock, and a connection made after its
 * count already dropped to zero is disposed at once.
 *
 * @param <T> the element type
 */
public final class SharedStream<T> {

	private final Flux<T> source;

	/** The connection new subscribers join; {@code null} when there is none or it ended. Guarded by {@code this}. */
	private @Nullable Connection current;

	public SharedStream(Flux<T> source) {
		this.source = source;
	}

	/** The shared elements; subscribing joins (or opens) the connection, cancelling leaves it. */
	public Flux<T> flux() {
		return Flux.from(subscriber -> {
			Connection connection = join();
			connection.events.doFinally(signal -> leave(connection)).subscribe(subscriber);
			connection.connect();
		});
	}

	/** Whether anyone is subscribed now (so the source is, or is being, subscribed). */
	public synchronized boolean active() {
		return current != null;
	}

	private synchronized Connection join() {
		Connection connection = current;
		if (connection == null) {
			connection = new Connection();
			current = connection;
		}
		connection.subscribers++;
		return connection;
	}

	private void leave(Connection connection) {
		List<Disposable> upstreams;
		synchronized (this) {
			if (--connection.subscribers > 0) {
				return;
			}
			connection.closed = true;
			if (current == connection) {
				current = null;
			}
			upstreams = new ArrayList<>(connection.upstreams);
			connection.upstreams.clear();
		}
		upstreams.forEach(Disposable::dispose);
	}

	/** The source ended (or was cancelled): later subscribers open a new connection. */
	private synchronized void ended(Connection connection) {
		if (current == connection) {
			current = null;
		}
	}

	/**
	 * One run of the source and the subscribers that joined it. Each subscriber asks it to connect once
	 * it has subscribed: the first one really does; one that subscribed just after the source ended
	 * (publish() then starts afresh) opens a new subscription for itself instead of waiting forever.
	 */
	private final class Connection {

		final ConnectableFlux<T> events;

		/** Guarded by the enclosing stream. */
		int subscribers;

		/** Guarded by the enclosing stream: the count reached zero, nothing may stay connected. */
		boolean closed;

		/** Guarded by the enclosing stream. */
		final Set<Disposable> upstreams = Collections.newSetFromMap(new IdentityHashMap<>());

		Connection() {
			this.events = source.doFinally(signal -> ended(this)).publish();
		}

		void connect() {
			synchronized (SharedStream.this) {
				if (closed) {
					return;
				}
			}
			Disposable upstream = events.connect();
			boolean kept;
			synchronized (SharedStream.this) {
				kept = !closed;
				if (kept) {
					upstreams.removeIf(Disposable::isDisposed);
					upstreams.add(upstream);
				}
			}
			if (!kept) {
				upstream.dispose();
			}
		}

	}

}
