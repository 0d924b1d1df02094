package dev.perch.shared.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

class EventStreamsTests {

	@Test
	void startsWithConnectedAndBeatsWhileQuiet() {
		StepVerifier.withVirtualTime(() -> EventStreams.withHeartbeat(Flux.<ServerSentEvent<String>>never(), Duration.ofSeconds(15))
				.map(event -> String.valueOf(event.comment())))
			.expectNext("connected")
			.expectNoEvent(Duration.ofSeconds(15))
			.expectNext("heartbeat")
			.thenAwait(Duration.ofSeconds(15))
			.expectNext("heartbeat")
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void endsWhenTheEventsEnd() {
		TestPublisher<ServerSentEvent<String>> events = TestPublisher.create();

		StepVerifier.create(EventStreams.withHeartbeat(events.flux(), Duration.ofSeconds(15)))
			.expectNextMatches(event -> "connected".equals(event.comment()))
			.then(() -> events.next(ServerSentEvent.builder("a").build()))
			.expectNextMatches(event -> "a".equals(event.data()))
			.then(events::complete)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void passesErrorsOn() {
		StepVerifier.create(EventStreams.withHeartbeat(Flux.<ServerSentEvent<String>>error(new IllegalStateException("x")),
				Duration.ofSeconds(15)))
			.expectNextCount(1)
			.expectError(IllegalStateException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void endsWithTheLastEventAndCancelsTheEventsWhenInterrupted() {
		TestPublisher<ServerSentEvent<String>> events = TestPublisher.create();
		Sinks.One<Boolean> interruption = Sinks.one();

		StepVerifier.create(EventStreams.withHeartbeat(events.flux(), Duration.ofSeconds(15), interruption.asMono(),
				() -> ServerSentEvent.builder("bye").event("error").build()))
			.expectNextMatches(event -> "connected".equals(event.comment()))
			.then(() -> events.next(ServerSentEvent.builder("a").build()))
			.expectNextMatches(event -> "a".equals(event.data()))
			.then(() -> interruption.tryEmitValue(true))
			.expectNextMatches(event -> "error".equals(event.event()) && "bye".equals(event.data()))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		events.assertCancelled();
	}

	@Test
	@SuppressWarnings("unchecked")
	void endsOpenStreamsWithAShuttingDownProblemWhenStopped() {
		EventStreams streams = new EventStreams(new SseProperties(Duration.ofSeconds(15)));
		streams.start();
		Flux<ServerSentEvent<Object>> open = streams.withHeartbeat(Flux.never(), problem -> problem);

		StepVerifier.create(open)
			.expectNextMatches(event -> "connected".equals(event.comment()))
			.then(streams::stop)
			.assertNext(event -> {
				assertThat(event.event()).isEqualTo("error");
				assertThat(event.id()).as("no id: Last-Event-ID resumes after the last real event").isNull();
				assertThat((Map<String, Object>) event.data()).containsEntry("type", "https://perch.dev/problems/shutting-down")
					.containsEntry("status", 503);
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(streams.isRunning()).isFalse();
	}

	@Test
	void addsNothingToAStreamThatEndedBeforeTheShutdown() {
		EventStreams streams = new EventStreams(new SseProperties(Duration.ofSeconds(15)));
		streams.start();

		StepVerifier.create(streams.withHeartbeat(Flux.just(ServerSentEvent.<Object>builder("x").build()), problem -> problem))
			.expectNextCount(2)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		streams.stop();
	}

}
