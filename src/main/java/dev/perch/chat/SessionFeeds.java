package dev.perch.chat;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

import dev.perch.shared.SharedStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The feeds of the sessions Perch follows, each together with the one reader of OpenCode that fills it:
 * made together, forgotten together. At most {@code max} are kept; past that the least recently used one
 * that nobody reads is forgotten (its replay buffer with it). Feeds in use are never forgotten, so with more
 * than {@code max} sessions watched at once there are as many as are watched.
 */
final class SessionFeeds {

	private final int max;

	private final int viewerBuffer;

	private final IntSupplier replayBuffer;

	private final Function<SessionFeed, Flux<Void>> reader;

	private final Consumer<SessionFeed> forgotten;

	/** In access order, the least recently used first. Guarded by {@code this}. */
	private final LinkedHashMap<String, Live> entries = new LinkedHashMap<>(16, 0.75f, true);

	/**
	 * @param viewerBuffer events a viewer may fall behind before it is ended ({@link SessionFeed#follow})
	 * @param reader reads OpenCode for a feed, appending to it; subscribed once however many read the feed
	 * @param forgotten told of each feed forgotten, so nothing else keeps its buffer alive
	 */
	SessionFeeds(int max, int viewerBuffer, IntSupplier replayBuffer, Function<SessionFeed, Flux<Void>> reader,
			Consumer<SessionFeed> forgotten) {
		this.max = max;
		this.forgotten = forgotten;
		this.viewerBuffer = viewerBuffer;
		this.replayBuffer = replayBuffer;
		this.reader = reader;
	}

	synchronized Live get(String workspace, String sessionId) {
		String key = workspace + "/" + sessionId;
		Live live = entries.get(key);
		if (live == null) {
			SessionFeed feed = new SessionFeed(workspace, sessionId, replayBuffer, viewerBuffer);
			live = new Live(feed, new SharedStream<>(reader.apply(feed)));
			entries.put(key, live);
			forgetUnused(live);
		}
		return live;
	}

	synchronized int size() {
		return entries.size();
	}

	private void forgetUnused(Live added) {
		Iterator<Live> eldestFirst = entries.values().iterator();
		while (entries.size() > max && eldestFirst.hasNext()) {
			Live live = eldestFirst.next();
			if (live != added && !live.reading.active()) {
				eldestFirst.remove();
				forgotten.accept(live.feed);
			}
		}
	}

	/** A session's feed and its reader of OpenCode (shared: the first subscriber opens it, the last closes it). */
	record Live(SessionFeed feed, SharedStream<Void> reading) {

		/** Marks the end of a viewer's own events (it fell too far behind); never sent. */
		private static final ChatEvent VIEWER_ENDED = new ChatEvent(-2, ChatEvent.DONE, Map.of());

		Flux<Void> driver() {
			return reading.flux();
		}

		/**
		 * A viewer of the session: the feed's events after {@code lastEventId}, reading OpenCode while it stays
		 * (leaving gives the reader back, so the last viewer gone closes the upstream stream). A failed reader
		 * ends the stream with an {@code error} event carrying {@code problem} of the failure and the id of
		 * the feed's newest event; a viewer too far behind is ended by the feed ({@code viewer-too-slow}).
		 */
		Flux<ChatEvent> follow(long lastEventId, Function<Throwable, Map<String, Object>> problem) {
			Flux<ChatEvent> failures = driver().ignoreElements().cast(ChatEvent.class).flux()
				.onErrorResume(error -> Flux.just(new ChatEvent(-1, ChatEvent.ERROR, problem.apply(error))));
			return Flux.merge(failures, feed.follow(lastEventId).concatWith(Mono.just(VIEWER_ENDED)))
				.takeUntil(event -> event.id() < 0)
				.filter(event -> event != VIEWER_ENDED)
				.map(event -> event.id() >= 0 ? event : new ChatEvent(feed.lastId(), event.type(), event.data()));
		}

	}

}
