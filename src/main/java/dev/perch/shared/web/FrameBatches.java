package dev.perch.shared.web;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Joins the encoded frames of a stream that its producer hands over within one task of a Netty event loop
 * into one array, so that a burst reaches the connection as one write.
 * <p>
 * A relayed stream is produced on the thread that reads OpenCode, and written by the thread of the viewer's
 * connection. Each frame handed over alone costs a wake-up of that thread, a write and a flush; at thousands
 * of events a second that hand-over was most of a relay's CPU. Here the first frame of a run opens a batch
 * and schedules its end as a task on the producer's own event loop, which runs once that loop has finished
 * what it is doing (all the events of the bytes it read): every frame handed over until then joins the batch,
 * and the batch goes on as one array. A frame that comes from any other thread (a heartbeat timer, a replay)
 * goes on at once, after any open batch, so order is kept and a lone event is never held back.
 * <p>
 * Backpressure is kept: frames are asked from upstream in slices of {@value #PREFETCH} only while the
 * consumer has demand, so a viewer that stops reading stops this stream's demand as before.
 */
final class FrameBatches {

	static final int PREFETCH = 256;

	private static final int REPLENISH_BELOW = 64;

	private FrameBatches() {
	}

	/** {@code frames}, those handed over in one event-loop task joined, no batch over {@code maxBytes} unless a single frame is. */
	static Flux<byte[]> coalesce(Flux<byte[]> frames, int maxBytes) {
		return Flux.create(sink -> {
			Batcher batcher = new Batcher(sink, maxBytes);
			sink.onRequest(requested -> batcher.fetch());
			sink.onDispose(batcher::stop);
			frames.subscribe(batcher);
		}, FluxSink.OverflowStrategy.BUFFER);
	}

	private static final class Batcher extends BaseSubscriber<byte[]> {

		private final FluxSink<byte[]> sink;

		private final int maxBytes;

		/** The open batch; this object's lock guards it and every emission, so batches leave in order. */
		private final List<byte[]> batch = new ArrayList<>();

		private int batchBytes;

		private boolean endScheduled;

		/** Frames asked from upstream and not yet received. */
		private long outstanding;

		private boolean stopped;

		/** The consumer may ask before upstream is subscribed (a request then would be lost). */
		private boolean subscribed;

		Batcher(FluxSink<byte[]> sink, int maxBytes) {
			this.sink = sink;
			this.maxBytes = maxBytes;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			synchronized (this) {
				subscribed = true;
			}
			fetch();
		}

		@Override
		protected void hookOnNext(byte[] frame) {
			@Nullable EventExecutor loop = ThreadExecutorMap.currentExecutor();
			boolean schedule = false;
			synchronized (this) {
				outstanding--;
				batch.add(frame);
				batchBytes += frame.length;
				if (loop == null || batchBytes >= maxBytes) {
					emit();
				}
				else if (!endScheduled) {
					endScheduled = true;
					schedule = true;
				}
			}
			if (schedule) {
				loop.execute(this::endBatch);
			}
			fetch();
		}

		@Override
		protected void hookOnComplete() {
			synchronized (this) {
				emit();
			}
			sink.complete();
		}

		@Override
		protected void hookOnError(Throwable error) {
			synchronized (this) {
				emit();
			}
			sink.error(error);
		}

		private void endBatch() {
			synchronized (this) {
				endScheduled = false;
				emit();
			}
		}

		/** Sends the open batch on as one array (held: the lock). */
		private void emit() {
			if (batch.isEmpty() || stopped) {
				batch.clear();
				batchBytes = 0;
				return;
			}
			byte[] joined;
			if (batch.size() == 1) {
				joined = batch.get(0);
			}
			else {
				joined = new byte[batchBytes];
				int at = 0;
				for (byte[] frame : batch) {
					System.arraycopy(frame, 0, joined, at, frame.length);
					at += frame.length;
				}
			}
			batch.clear();
			batchBytes = 0;
			sink.next(joined);
		}

		/** Asks upstream for another slice while the consumer wants more and few asked frames are left. */
		void fetch() {
			long more;
			synchronized (this) {
				if (!subscribed || stopped || sink.requestedFromDownstream() <= 0 || outstanding >= REPLENISH_BELOW) {
					return;
				}
				more = PREFETCH - outstanding;
				outstanding = PREFETCH;
			}
			request(more);
		}

		void stop() {
			synchronized (this) {
				stopped = true;
				batch.clear();
			}
			dispose();
		}

	}

}
