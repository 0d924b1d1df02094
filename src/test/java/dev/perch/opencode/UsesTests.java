package dev.perch.opencode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The count that decides between stopping a server as idle and starting a use on it. */
class UsesTests {

	private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

	private static final Duration IDLE_STOP = Duration.ofMinutes(15);

	@Test
	void retiresOnlyWhenNothingUsesItAndNothingHasForTheIdleStop() {
		Uses uses = new Uses(T0);
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofMinutes(10)))).as("not idle long enough").isFalse();

		assertThat(uses.tryStart(T0.plus(Duration.ofMinutes(20)))).isTrue();
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofHours(2)))).as("in use").isFalse();
		assertThat(uses.active()).isEqualTo(1);

		uses.end(T0.plus(Duration.ofMinutes(30)));
		assertThat(uses.lastUsedAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofMinutes(40)))).as("used 10 minutes ago").isFalse();
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofMinutes(46)))).isTrue();
	}

	@Test
	void startsNoUseOnceRetired() {
		Uses uses = new Uses(T0);
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofHours(1)))).isTrue();

		assertThat(uses.tryStart(T0.plus(Duration.ofHours(1)))).isFalse();
		assertThat(uses.active()).isZero();
		assertThat(uses.retireIfIdle(IDLE_STOP, T0.plus(Duration.ofHours(2)))).as("retired once").isFalse();
	}

	/**
	 * Many requests start and end uses while the idle check tries to retire the server: it is retired only at a
	 * moment with no use counted, and no use starts after that.
	 */
	@Test
	void neverRetiresAServerInUseNorStartsAUseOnARetiredOne() throws Exception {
		Uses uses = new Uses(T0);
		Instant later = T0.plus(Duration.ofHours(1));
		AtomicBoolean retired = new AtomicBoolean();
		AtomicInteger inUse = new AtomicInteger();
		AtomicInteger violations = new AtomicInteger();
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(5);
		try {
			List<Future<?>> users = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				users.add(threads.submit(() -> {
					go.await();
					for (int i = 0; i < 200_000 && uses.tryStart(T0); i++) {
						inUse.incrementAndGet();
						if (retired.get()) {
							violations.incrementAndGet();
						}
						inUse.decrementAndGet();
						uses.end(T0);
					}
					return null;
				}));
			}
			Future<?> checker = threads.submit(() -> {
				go.await();
				while (!uses.retireIfIdle(Duration.ZERO, later)) {
					Thread.onSpinWait();
				}
				if (inUse.get() != 0) {
					violations.incrementAndGet();
				}
				retired.set(true);
				return null;
			});
			go.countDown();
			checker.get(30, TimeUnit.SECONDS);
			for (Future<?> user : users) {
				user.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(violations.get()).isZero();
		assertThat(uses.tryStart(later)).isFalse();
		assertThat(uses.active()).isZero();
	}

}
