package dev.perch.shared.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames handed over in one task of an event loop leave as one array; others leave at once, in order, with backpressure. */
class FrameBatchesTests {

	private final DefaultEventLoop loop = new DefaultEventLoop();

	@AfterEach
	void stop() throws InterruptedException {
		loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
	}

	@Test
	void framesHandedOverInOneTaskOfAnEventLoopLeaveAsOneArray() throws Exception {
		Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
		List<String> out = new CopyOnWriteArrayList<>();
		FrameBatches.coalesce(frames.asFlux(), 1024).map(FrameBatchesTests::text).subscribe(out::add);

		loop.submit(() -> {
			frames.tryEmitNext(bytes("a"));
			frames.tryEmitNext(bytes("b"));
			frames.tryEmitNext(bytes("c"));
			assertThat(out).as("nothing leaves before the task ends").isEmpty();
		}).get(5, TimeUnit.SECONDS);
		loop.submit(() -> frames.tryEmitNext(bytes("d"))).get(5, TimeUnit.SECONDS);
		loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

		assertThat(out).containsExactly("abc", "d");
	}

	@Test
	void aFrameFromAnyOtherThreadLeavesAtOnceAfterTheOpenBatch() throws Exception {
		Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
		List<String> out = new CopyOnWriteArrayList<>();
		FrameBatches.coalesce(frames.asFlux(), 1024).map(FrameBatchesTests::text).subscribe(out::add);

		frames.tryEmitNext(bytes("1"));
		assertThat(out).containsExactly("1");
		loop.submit(() -> {
			frames.tryEmitNext(bytes("a"));
			frames.tryEmitNext(bytes("b"));
			// a heartbeat from a timer while the loop's batch is open: the batch goes first, whole
			Thread timer = new Thread(() -> frames.tryEmitNext(bytes("h")));
			timer.start();
			try {
				timer.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}).get(5, TimeUnit.SECONDS);
		loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

		assertThat(out).containsExactly("1", "abh");
	}

	@Test
	void aBatchLeavesOnceItReachesTheSizeBound() throws Exception {
		Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
		List<String> out = new CopyOnWriteArrayList<>();
		FrameBatches.coalesce(frames.asFlux(), 4).map(FrameBatchesTests::text).subscribe(out::add);

		loop.submit(() -> {
			for (String frame : List.of("ab", "cd", "ef", "g")) {
				frames.tryEmitNext(bytes(frame));
			}
		}).get(5, TimeUnit.SECONDS);
		loop.submit(() -> { }).get(5, TimeUnit.SECONDS);

		assertThat(out).containsExactly("abcd", "efg");
	}

	@Test
	void asksUpstreamOnlyASliceAheadOfWhatTheConsumerWants() {
		AtomicLong asked = new AtomicLong();
		Flux<byte[]> frames = Flux.range(0, 100_000).map(i -> bytes("x")).doOnRequest(n -> asked.addAndGet(n));

		StepVerifier.create(FrameBatches.coalesce(frames, 1024), 3)
			.expectNextCount(3)
			.then(() -> assertThat(asked.get()).isLessThanOrEqualTo(FrameBatches.PREFETCH + 3))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void theOpenBatchLeavesBeforeTheEndOrTheError() throws Exception {
		Sinks.Many<byte[]> frames = Sinks.many().unicast().onBackpressureBuffer();
		StepVerifier.create(FrameBatches.coalesce(frames.asFlux(), 1024).map(FrameBatchesTests::text))
			.then(() -> {
				try {
					loop.submit(() -> {
						frames.tryEmitNext(bytes("a"));
						frames.tryEmitNext(bytes("b"));
						frames.tryEmitError(new IllegalStateException("upstream gone"));
					}).get(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new AssertionError(ex);
				}
			})
			.expectNext("ab")
			.expectErrorMessage("upstream gone")
			.verify(Duration.ofSeconds(5));

		StepVerifier.create(FrameBatches.coalesce(Flux.just(bytes("x"), bytes("y")), 1024).map(FrameBatchesTests::text))
			.expectNext("x", "y")
			.verifyComplete();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
