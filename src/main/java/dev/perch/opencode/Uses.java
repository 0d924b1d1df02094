package dev.perch.opencode;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The uses of one server (turns and viewers) and when it was last used, on one counter, so that taking the
 * server to be stopped as idle and starting a use on it never both succeed: once retired, no use starts.
 */
final class Uses {

	private static final int RETIRED = Integer.MIN_VALUE;

	private final AtomicInteger count = new AtomicInteger();

	private volatile Instant lastUsedAt;

	Uses(Instant since) {
		this.lastUsedAt = since;
	}

	/** Counts a use, unless the server has been retired. */
	boolean tryStart(Instant now) {
		for (int uses = count.get(); uses != RETIRED; uses = count.get()) {
			if (count.compareAndSet(uses, uses + 1)) {
				lastUsedAt = now;
				return true;
			}
		}
		return false;
	}

	/** Ends a use that {@link #tryStart} counted. */
	void end(Instant now) {
		count.decrementAndGet();
		lastUsedAt = now;
	}

	/** Retires the server if nothing uses it and nothing has for {@code idleStop}; no use can start after. */
	boolean retireIfIdle(Duration idleStop, Instant now) {
		return lastUsedAt.plus(idleStop).isBefore(now) && count.compareAndSet(0, RETIRED);
	}

	/** Uses now (0 once retired). */
	int active() {
		return Math.max(0, count.get());
	}

	Instant lastUsedAt() {
		return lastUsedAt;
	}

}
