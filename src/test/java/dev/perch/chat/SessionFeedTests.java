package dev.perch.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.perch.opencode.OpenCodeEvent;
import dev.perch.opencode.OpenCodeEvent.AssistantMessage;
import dev.perch.opencode.OpenCodeEvent.Tokens;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** When a turn ends, what usage it reports, and replay from the bounded buffer. */
class SessionFeedTests {

	private static final String SESSION = "ses_defc4ec98ffe5PxAqeRw4Af0u9";

	private final List<TurnUsage> usage = new ArrayList<>();

	private final SessionFeed feed = new SessionFeed("ws", SESSION, () -> 5);

	@Test
	void endsTheTurnAtIdleAfterBusyWithTextAndOneUsagePerMessage() {
		List<ChatEvent> events = accept(busy(), message(null, null), part("prt_1", "text"), delta("prt_1", "po"),
				delta("prt_1", "ng"), message(1200L, null), message(1200L, null), idle());

		assertThat(events).extracting(ChatEvent::type)
			.containsExactly("message.started", "text.delta", "text.delta", "usage", "done");
		assertThat(events.get(4).data()).isEqualTo(Map.of("status", "completed"));
		assertThat(usage).singleElement().satisfies(record -> {
			assertThat(record.dedupeKey()).isEqualTo("opencode:msg_1");
			assertThat(record.inputTokens()).isEqualTo(100);
			assertThat(record.cacheReadTokens()).isEqualTo(5);
			assertThat(record.cacheWriteTokens()).isEqualTo(6);
			assertThat(record.reasoningTokens()).isEqualTo(3);
			assertThat(record.cost()).isEqualTo(0.00014);
			assertThat(record.latencyMs()).isEqualTo(200);
			assertThat(record.errorCode()).isNull();
		});
	}

	@Test
	void ignoresAnIdleThatCameBeforeTheSessionWentBusy() {
		assertThat(accept(idle(), idle())).isEmpty();
	}

	@Test
	void waitsForTheFinalMessageThatArrivesJustAfterIdleOnAnAbort() {
		List<ChatEvent> events = accept(busy(), message(null, null),
				new OpenCodeEvent.SessionError(SESSION, "MessageAbortedError", "Aborted"), idle());
		assertThat(events).extracting(ChatEvent::type).containsExactly("message.started");

		List<ChatEvent> rest = accept(message(1500L, "MessageAbortedError"), idle());

		assertThat(rest).extracting(ChatEvent::type).containsExactly("usage", "done");
		assertThat(rest.get(1).data()).isEqualTo(Map.of("status", "aborted"));
		assertThat(usage).singleElement().extracting(TurnUsage::errorCode).isEqualTo("MessageAbortedError");
	}

	@Test
	void endsAFailedTurnWithAnErrorProblem() {
		List<ChatEvent> events = accept(busy(), message(null, null),
				new OpenCodeEvent.SessionError(SESSION, "APIError", "rate limited"), idle(), message(1500L, "APIError"));

		ChatEvent last = events.get(events.size() - 1);
		assertThat(last.type()).isEqualTo("error");
		assertThat(data(last)).containsEntry("type", "https://perch.dev/problems/turn-failed")
			.containsEntry("upstreamError", "APIError");
	}

	@Test
	void reportsEachToolStateOnceAndReasoningAsItsOwnKind() {
		List<ChatEvent> events = accept(busy(), tool("running"), tool("running"), tool("completed"),
				part("prt_r", "reasoning"), delta("prt_r", "hmm"));

		assertThat(events).extracting(ChatEvent::type).containsExactly("tool", "tool", "text.delta");
		assertThat(data(events.get(2))).containsEntry("kind", "reasoning");
	}

	@Test
	void replaysEventsAfterTheLastSeenIdFromABoundedBuffer() {
		for (int i = 0; i < 8; i++) {
			feed.append("text.delta", Map.of("text", "x" + i));
		}

		StepVerifier.create(feed.follow(5).take(3))
			.assertNext(event -> assertThat(event.id()).isEqualTo(6))
			.assertNext(event -> assertThat(event.id()).isEqualTo(7))
			.assertNext(event -> assertThat(event.id()).isEqualTo(8))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(feed.follow(0).take(1))
			.assertNext(event -> assertThat(event.id()).as("the oldest kept of 5").isEqualTo(4))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void continuesLiveAfterTheReplayWithoutGapsOrRepeats() {
		feed.append("text.delta", Map.of("text", "a"));

		StepVerifier.create(feed.follow(0).take(3))
			.assertNext(event -> assertThat(event.id()).isEqualTo(1))
			.then(() -> feed.append("text.delta", Map.of("text", "b")))
			.assertNext(event -> assertThat(event.id()).isEqualTo(2))
			.then(() -> feed.append("done", Map.of("status", "completed")))
			.assertNext(event -> assertThat(event.type()).isEqualTo("done"))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aFailureEndsTheTurnWithAnErrorEventOthersCanReplay() {
		accept(busy(), message(null, null));
		ChatEvent failure = feed.fail(dev.perch.shared.web.Problems.of(ChatProblems.TURN_TIMEOUT, "too slow"));

		assertThat(failure.terminal()).isTrue();
		StepVerifier.create(feed.follow(failure.id() - 1).take(1))
			.assertNext(event -> assertThat(event.type()).isEqualTo("error"))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(accept(idle())).as("the failed turn was reset").isEmpty();
	}

	@Test
	void treatsAnIdTheFeedNeverReachedAsNowSoNewEventsAreNotSkipped() {
		feed.append("text.delta", Map.of("text", "a"));

		StepVerifier.create(feed.follow(500).take(1))
			.then(() -> feed.append("text.delta", Map.of("text", "b")))
			.assertNext(event -> assertThat(event.id()).as("an id from before a restart").isEqualTo(2))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void endsAViewerThatFellTooFarBehindWithViewerTooSlowWhileOtherViewersGoOn() {
		SessionFeed small = new SessionFeed("ws", SESSION, () -> 100, 4);
		List<ChatEvent> other = new ArrayList<>();
		small.follow(0).subscribe(other::add);

		StepVerifier.create(small.follow(0), 0)
			.then(() -> {
				for (int i = 0; i < 10; i++) {
					small.append("text.delta", Map.of("text", "x" + i));
				}
			})
			.thenRequest(100)
			.assertNext(event -> assertThat(event.id()).isEqualTo(1))
			.expectNextCount(3)
			.assertNext(event -> {
				assertThat(event.type()).isEqualTo("error");
				assertThat(event.id()).as("the last event this viewer got").isEqualTo(4);
				assertThat(data(event)).containsEntry("type", "https://perch.dev/problems/viewer-too-slow")
					.containsEntry("lastEventId", 4L);
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(other).extracting(ChatEvent::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
	}

	private List<ChatEvent> accept(OpenCodeEvent... events) {
		List<ChatEvent> out = new ArrayList<>();
		for (OpenCodeEvent event : events) {
			out.addAll(feed.accept(event, usage));
		}
		return out;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> data(ChatEvent event) {
		return (Map<String, Object>) event.data();
	}

	private static OpenCodeEvent busy() {
		return new OpenCodeEvent.Status(SESSION, true);
	}

	private static OpenCodeEvent idle() {
		return new OpenCodeEvent.Status(SESSION, false);
	}

	private static AssistantMessage message(Long completedAt, String error) {
		return new AssistantMessage(SESSION, "msg_1", "fake-model", "fake", completedAt == null ? Tokens.NONE
				: new Tokens(100, 20, 3, 5, 6), completedAt == null ? 0.0 : 0.00014, 1000, completedAt, error);
	}

	private static OpenCodeEvent part(String id, String type) {
		return new OpenCodeEvent.Part(SESSION, "msg_1", id, type, null, null, null);
	}

	private static OpenCodeEvent tool(String status) {
		return new OpenCodeEvent.Part(SESSION, "msg_1", "prt_t", "tool", "read", status, null);
	}

	private static OpenCodeEvent delta(String part, String text) {
		return new OpenCodeEvent.Delta(SESSION, "msg_1", part, "text", text);
	}

	@Test
	void viewersThatJoinWhileEventsAreAppendedMissNoneAndRepeatNone() throws Exception {
		// a buffer that keeps everything, so a gap can only come from joining, not from eviction
		SessionFeed busy = new SessionFeed("ws", SESSION, () -> Integer.MAX_VALUE);
		int wanted = 50;
		AtomicInteger joined = new AtomicInteger();
		Thread appender = new Thread(() -> {
			for (int i = 0; i < 300_000 && joined.get() < wanted; i++) {
				busy.append(ChatEvent.TEXT_DELTA, Map.of("n", i));
			}
			for (int i = 0; i < 100; i++) {
				busy.append(ChatEvent.TEXT_DELTA, Map.of("n", -i));
			}
		}, "appender");
		appender.start();
		List<String> gaps = new ArrayList<>();
		// each viewer joins at whatever id the appender has reached and checks the next 50 events
		while (joined.get() < wanted && appender.isAlive()) {
			long after = busy.lastId();
			List<ChatEvent> seen = busy.follow(after).take(50).collectList().block(Duration.ofSeconds(30));
			joined.incrementAndGet();
			long expected = after + 1;
			for (ChatEvent event : seen) {
				if (event.id() != expected) {
					gaps.add("viewer after " + after + " got " + event.id() + " where " + expected + " was due");
					break;
				}
				expected++;
			}
		}
		appender.join(30_000);
		assertThat(joined.get()).as("viewers that joined while events were appended").isEqualTo(wanted);
		assertThat(gaps).isEmpty();
	}

}
