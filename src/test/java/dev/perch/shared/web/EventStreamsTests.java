package dev.perch.shared.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

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

}
