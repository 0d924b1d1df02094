package dev.perch.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Feeds and their readers of OpenCode are kept and forgotten together, within a bound, never while in use. */
class SessionFeedsTests {

	private final List<SessionFeed> readFor = new ArrayList<>();

	private final Sinks.Many<Void> upstream = Sinks.many().multicast().directBestEffort();

	private final List<SessionFeed> forgotten = new ArrayList<>();

	private final SessionFeeds feeds = new SessionFeeds(2, 4, () -> 100, feed -> {
		readFor.add(feed);
		return upstream.asFlux();
	}, forgotten::add);

	@Test
	void forgetsTheLeastRecentlyUsedFeedTogetherWithItsReader() {
		SessionFeeds.Live first = feeds.get("ws", "ses_1");
		feeds.get("ws", "ses_2");
		feeds.get("ws", "ses_3");

		assertThat(feeds.size()).isEqualTo(2);
		SessionFeeds.Live again = feeds.get("ws", "ses_1");
		assertThat(again.feed()).as("a fresh feed").isNotSameAs(first.feed());
		assertThat(readFor).as("one reader per feed, the new one reading into the new feed")
			.containsExactly(first.feed(), readFor.get(1), readFor.get(2), again.feed());
		assertThat(feeds.size()).isEqualTo(2);
		assertThat(forgotten).as("each forgotten feed told, once").containsExactly(first.feed(), readFor.get(1));
	}

	@Test
	void keepsFeedsThatAreBeingReadPastTheBound() {
		SessionFeeds.Live first = feeds.get("ws", "ses_1");
		Disposable viewer = first.follow(0, error -> Map.of()).subscribe();
		SessionFeeds.Live second = feeds.get("ws", "ses_2");
		Disposable another = second.follow(0, error -> Map.of()).subscribe();

		feeds.get("ws", "ses_3");
		assertThat(feeds.size()).as("both watched feeds are kept").isEqualTo(3);
		assertThat(feeds.get("ws", "ses_1")).isSameAs(first);

		viewer.dispose();
		another.dispose();
		feeds.get("ws", "ses_4");
		assertThat(feeds.size()).isEqualTo(2);
		assertThat(feeds.get("ws", "ses_4")).isNotNull();
		assertThat(feeds.get("ws", "ses_2")).as("forgotten once nobody read it").isNotSameAs(second);
	}

	@Test
	void endsAViewerThatFellTooFarBehindAndGivesItsReaderBack() {
		SessionFeeds.Live live = feeds.get("ws", "ses_1");

		// between the feed and the viewer sit a few small bounded queues (merge's prefetch) besides the viewer's
		// buffer of 4, so the viewer gets more than 4 before its end: all of them, in order, and then the end
		StepVerifier.create(live.follow(0, error -> Map.of()), 0)
			.then(() -> {
				for (int i = 0; i < 100; i++) {
					live.feed().append(ChatEvent.TEXT_DELTA, Map.of("text", "x" + i));
				}
			})
			.thenRequest(1000)
			.recordWith(ArrayList::new)
			.thenConsumeWhile(event -> !ChatEvent.ERROR.equals(event.type()))
			.consumeRecordedWith(events -> {
				List<Long> ids = events.stream().filter(event -> !ChatEvent.ERROR.equals(event.type())).map(ChatEvent::id).toList();
				assertThat(ids).isEqualTo(java.util.stream.LongStream.rangeClosed(1, ids.size()).boxed().toList())
					.hasSizeLessThan(100);
			})
			.assertNext(event -> {
				assertThat(event.type()).isEqualTo(ChatEvent.ERROR);
				assertThat(event.data()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.containsEntry("type", "https://perch.dev/problems/viewer-too-slow")
					.containsEntry("lastEventId", event.id());
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(live.reading().active()).as("the reader is given back").isFalse();
	}

	@Test
	void endsEveryViewerWithAnErrorEventWhenTheReaderFails() {
		SessionFeeds.Live live = feeds.get("ws", "ses_1");
		live.feed().append(ChatEvent.TEXT_DELTA, Map.of("text", "a"));

		StepVerifier.create(live.follow(1, error -> Map.of("detail", error.getMessage())))
			.then(() -> upstream.tryEmitError(new IllegalStateException("gone")))
			.assertNext(event -> {
				assertThat(event.type()).isEqualTo(ChatEvent.ERROR);
				assertThat(event.id()).isEqualTo(1);
				assertThat(event.data()).isEqualTo(Map.of("detail", "gone"));
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

}
