package dev.perch.opencode;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Viewers that come and go, also concurrently, leave no upstream event stream open once the last one is gone. */
class OpenCodeEventStreamChurnTests {

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger opened = new AtomicInteger();

	private final DisposableServer upstream = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.doOnConnection(connection -> {
			open.incrementAndGet();
			opened.incrementAndGet();
			connection.onDispose(open::decrementAndGet);
		})
		.route(routes -> routes.get("/global/event", (request, response) -> response
			.header("Content-Type", "text/event-stream")
			.sendString(Flux.just(OpenCodeFixtures.connected())
				.concatWith(Flux.interval(Duration.ofMillis(50)).map(tick -> OpenCodeFixtures.event("server.heartbeat", "{}"))))))
		.bindNow();

	@AfterEach
	void stop() {
		upstream.disposeNow(Duration.ofSeconds(5));
	}

	@Test
	void closesTheUpstreamStreamAfterTheLastOfManyViewersLeaves() {
		OpenCodeClient client = OpenCodeFixtures.client("http://127.0.0.1:" + upstream.port(), OpenCodeFixtures.relaxed());
		Flux<Long> churn = Flux.range(0, 300)
			.flatMap(i -> client.events().take(1 + i % 3).count()
				.timeout(Duration.ofSeconds(20)), 8);

		StepVerifier.create(churn.then(Mono.defer(() -> Flux.interval(Duration.ofMillis(50))
				.map(tick -> open.get())
				.filter(count -> count == 0)
				.next())))
			.expectNext(0)
			.expectComplete()
			.verify(Duration.ofSeconds(60));
		assertThat(opened.get()).as("shared: far fewer connections than viewers").isLessThan(300);
	}

	/** The shape the chat module uses: a per-session refCount over a lease (usingWhen) over the shared stream. */
	@Test
	void closesTheUpstreamStreamUnderChurnThroughALeaseAndASecondSharedLayer() {
		OpenCodeClient client = OpenCodeFixtures.client("http://127.0.0.1:" + upstream.port(), OpenCodeFixtures.relaxed());
		AtomicInteger leases = new AtomicInteger();
		Flux<OpenCodeEvent> driver = Flux.usingWhen(Mono.fromSupplier(leases::incrementAndGet), lease -> client.events(),
				lease -> Mono.fromRunnable(leases::decrementAndGet), (lease, error) -> Mono.fromRunnable(leases::decrementAndGet),
				lease -> Mono.fromRunnable(leases::decrementAndGet))
			.filter(event -> true)
			.publish()
			.refCount(1);
		Flux<Long> churn = Flux.range(0, 400)
			.flatMap(i -> Flux.merge(driver.ignoreElements().flux(), Flux.interval(Duration.ofMillis(i % 7)).take(1))
				.take(1).count().subscribeOn(reactor.core.scheduler.Schedulers.parallel()), 8);

		StepVerifier.create(churn.then(Mono.defer(() -> Flux.interval(Duration.ofMillis(50))
				.map(tick -> open.get())
				.filter(count -> count == 0)
				.next())))
			.expectNext(0)
			.expectComplete()
			.verify(Duration.ofSeconds(60));
		assertThat(leases.get()).isZero();
	}

	/**
	 * A viewer cancelled while it is still being subscribed (its HTTP connection closed at that moment).
	 * With publish().refCount(1) of reactor-core 3.8 this cancel was lost: the stream stayed open for good,
	 * whoever came and went after it.
	 */
	@Test
	void closesTheUpstreamStreamWhenAViewerCancelsWhileItIsBeingSubscribed() {
		OpenCodeClient client = OpenCodeFixtures.client("http://127.0.0.1:" + upstream.port(), OpenCodeFixtures.relaxed());
		client.events().subscribe(new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}
		});

		StepVerifier.create(client.events().take(3).then(Mono.defer(() -> Flux.interval(Duration.ofMillis(50))
				.map(tick -> open.get())
				.filter(count -> count == 0)
				.next())))
			.expectNext(0)
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		assertThat(opened.get()).as("the later viewer got a stream of its own").isPositive();
	}

	@Test
	void closesTheUpstreamStreamWhenViewersCancelBeforeItAnswers() {
		OpenCodeClient client = OpenCodeFixtures.client("http://127.0.0.1:" + upstream.port(), OpenCodeFixtures.relaxed());
		Flux<Object> churn = Flux.range(0, 200)
			.concatMap(i -> client.events().take(Duration.ofMillis(i % 5)).then(Mono.empty()));

		StepVerifier.create(churn.then(Mono.defer(() -> Flux.interval(Duration.ofMillis(50))
				.map(tick -> open.get())
				.filter(count -> count == 0)
				.next())))
			.expectNext(0)
			.expectComplete()
			.verify(Duration.ofSeconds(60));
	}

}
