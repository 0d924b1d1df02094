package dev.perch.shared;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SharedStreamTests {

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger opened = new AtomicInteger();

	private final Sinks.Many<Integer> upstream = Sinks.many().multicast().directBestEffort();

	private final SharedStream<Integer> shared = new SharedStream<>(upstream.asFlux()
		.doOnSubscribe(subscription -> {
			open.incrementAndGet();
			opened.incrementAndGet();
		})
		.doFinally(signal -> open.decrementAndGet()));

	@Test
	void sharesOneSubscriptionBetweenAllSubscribers() {
		StepVerifier.create(Flux.merge(shared.flux().take(2), shared.flux().take(2)))
			.then(() -> assertThat(opened).hasValue(1))
			.then(() -> upstream.tryEmitNext(1))
			.then(() -> upstream.tryEmitNext(2))
			.expectNext(1, 1, 2, 2)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(open).hasValue(0);
	}

	@Test
	void cancelsTheSourceOnlyWhenTheLastSubscriberLeavesAndSubscribesAgainForTheNext() {
		var first = shared.flux().subscribe();
		var second = shared.flux().subscribe();
		first.dispose();
		assertThat(open).hasValue(1);
		second.dispose();
		assertThat(open).hasValue(0);

		var third = shared.flux().subscribe();
		assertThat(open).hasValue(1);
		assertThat(opened).hasValue(2);
		third.dispose();
		assertThat(open).hasValue(0);
	}

	/** publish().refCount(1) of reactor-core 3.8 leaves the source subscribed here for good. */
	@Test
	void cancelsTheSourceWhenTheOnlySubscriberCancelsWhileItIsBeingSubscribed() {
		shared.flux().subscribe(new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}
		});

		assertThat(open).hasValue(0);
		StepVerifier.create(shared.flux().take(1))
			.then(() -> upstream.tryEmitNext(7))
			.as("a later subscriber still gets a working connection")
			.expectNext(7)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(open).hasValue(0);
	}

	/** The shape of a viewer whose HTTP connection closes (on an event-loop thread) while it subscribes. */
	@Test
	void cancelsTheSourceWhenAnotherThreadCancelsWhileTheSubscriberIsBeingSubscribed() {
		shared.flux().subscribe(new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				Thread other = new Thread(this::cancel, "event-loop");
				other.start();
				try {
					other.join(5000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});

		assertThat(open).hasValue(0);
	}

	@Test
	void endsEverySubscriberWithTheSourceErrorAndSubscribesAgainForTheNext() {
		Flux<Integer> both = Flux.merge(shared.flux(), shared.flux());
		StepVerifier.create(both)
			.then(() -> upstream.tryEmitError(new IllegalStateException("gone")))
			.expectErrorMessage("gone")
			.verify(Duration.ofSeconds(5));
		assertThat(open).hasValue(0);
		assertThat(opened).hasValue(1);

		SharedStream<Integer> retried = new SharedStream<>(Flux.defer(() -> opened.incrementAndGet() == 2
				? Flux.<Integer>error(new IllegalStateException("first run fails")) : Flux.just(1, 2)));
		StepVerifier.create(retried.flux()).expectErrorMessage("first run fails").verify(Duration.ofSeconds(5));
		StepVerifier.create(retried.flux()).expectNext(1, 2).expectComplete().verify(Duration.ofSeconds(5));
	}

	/** Each subscriber subscribes on one thread and is cancelled at once from another. */
	@Test
	void leavesNothingSubscribedAfterSubscribersComeAndGoConcurrently() {
		for (int i = 0; i < 20_000; i++) {
			shared.flux().subscribeOn(Schedulers.parallel()).subscribe().dispose();
		}

		StepVerifier.create(Flux.interval(Duration.ofMillis(20))
				.map(tick -> open.get())
				.filter(count -> count == 0)
				.next())
			.expectNext(0)
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

}
