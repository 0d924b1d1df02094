package dev.perch.workspace.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class WorkspaceLanesTests {

	private final WorkspaceLanes lanes = new WorkspaceLanes();

	private final List<String> log = new CopyOnWriteArrayList<>();

	@Test
	void runsOperationsOfOneWorkspaceOneAtATimeInArrivalOrder() {
		Sinks.Empty<Void> firstDone = Sinks.empty();
		Mono<String> first = lanes.serialized("a", Mono.fromRunnable(() -> log.add("first started"))
			.then(firstDone.asMono()).thenReturn("first"));
		Mono<String> second = lanes.serialized("a", Mono.fromSupplier(() -> {
			log.add("second started");
			return "second";
		}));

		first.subscribe();
		StepVerifier.create(second)
			.then(() -> assertThat(log).containsExactly("first started"))
			.then(firstDone::tryEmitEmpty)
			.expectNext("second")
			.verifyComplete();
		assertThat(log).containsExactly("first started", "second started");
	}

	@Test
	void aFailedOrCancelledOperationLetsTheNextOneRun() {
		StepVerifier.create(lanes.serialized("a", Mono.error(new IllegalStateException("boom")))).verifyError();
		lanes.serialized("a", Mono.never()).subscribe().dispose();

		StepVerifier.create(lanes.serialized("a", Mono.just("next"))).expectNext("next").verifyComplete();
		assertThat(lanes.busy()).isZero();
	}

	@Test
	void anOperationCancelledWhileWaitingDoesNotLetTheOneAfterItOvertakeTheOneBefore() {
		Sinks.Empty<Void> firstDone = Sinks.empty();
		lanes.serialized("a", firstDone.asMono()).subscribe();
		lanes.serialized("a", Mono.fromRunnable(() -> log.add("cancelled one ran"))).subscribe().dispose();
		Mono<String> third = lanes.serialized("a", Mono.fromSupplier(() -> {
			log.add("third");
			return "third";
		}));

		StepVerifier.create(third)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(100))
			.then(firstDone::tryEmitEmpty)
			.expectNext("third")
			.verifyComplete();
		assertThat(log).containsExactly("third");
		assertThat(lanes.busy()).isZero();
	}

	@Test
	void otherWorkspacesDoNotWait() {
		lanes.serialized("a", Mono.never()).subscribe();

		StepVerifier.create(lanes.serialized("b", Mono.just("b"))).expectNext("b").verifyComplete();
	}

}
