package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.perch.shared.web.ApiException;
import dev.perch.usage.IngestItem.RecordError;
import dev.perch.usage.internal.ModelPrice;
import dev.perch.usage.internal.PriceTable;
import dev.perch.usage.internal.RollupChange;
import dev.perch.usage.internal.Pricing;
import dev.perch.usage.internal.UsageMetrics;
import dev.perch.usage.internal.UsageRecord;
import dev.perch.usage.internal.UsageRecordStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;

/**
 * Records model usage: the module's API for the chat module, the file collectors and the HTTP ingest.
 * A batch is one transaction: every record is validated, priced (a reported cost is kept; otherwise
 * the price in force at {@code occurredAt}; an unknown model gets no cost, never 0) and inserted
 * unless its key is already stored. A batch with any bad record is rejected whole, naming each.
 */
@Service
public class UsageService {

	public static final String COST_REPORTED = "reported";

	public static final String COST_CALCULATED = "calculated";

	private final UsageRecordStore store;

	private final Pricing pricing;

	private final UsageMetrics metrics;

	private final UsageProperties properties;

	private final TransactionalOperator transactions;

	private final Clock clock;

	UsageService(UsageRecordStore store, Pricing pricing, UsageMetrics metrics, UsageProperties properties,
			ReactiveTransactionManager transactionManager, Clock clock) {
		this.store = store;
		this.pricing = pricing;
		this.metrics = metrics;
		this.properties = properties;
		this.transactions = TransactionalOperator.create(transactionManager);
		this.clock = clock;
	}

	/** Records a batch; answers how many records were new. Re-recording known keys changes nothing. */
	public Mono<IngestResult> record(String source, List<UsageRecordRequest> records) {
		return record(source, records, OnDuplicate.KEEP_FIRST);
	}

	/**
	 * Records a batch with a rule for keys that are already stored or repeat within the batch. With
	 * {@link OnDuplicate#KEEP_LARGER} the record with the larger {@link Tokens#total()} wins (ties keep
	 * the one stored, or the first in the batch): a stored record gets the new tokens and a cost
	 * recomputed for them (a reported cost is taken as reported), and {@link IngestResult#updated()}
	 * counts those. Validation, pricing and all-or-nothing are as for {@link #record(String, List)}.
	 */
	public Mono<IngestResult> record(String source, List<UsageRecordRequest> records, OnDuplicate onDuplicate) {
		return ingest(source, Flux.fromIterable(records).map(IngestItem::of), onDuplicate);
	}

	/** Records one request; {@code true} when it was new. */
	public Mono<Boolean> recordOne(String source, UsageRecordRequest record) {
		return record(source, List.of(record)).map(result -> result.recorded() == 1);
	}

	/**
	 * Records items as they arrive (a streamed request body, say), inserting in chunks inside one
	 * transaction; the first bad item stops inserting, the rest are still checked, and the transaction
	 * is rolled back with an {@link UsageProblems#INVALID_RECORDS} problem listing every bad item.
	 * Known keys are kept as stored ({@link OnDuplicate#KEEP_FIRST}).
	 */
	public Mono<IngestResult> ingest(String source, Flux<IngestItem> items) {
		return ingest(source, items, OnDuplicate.KEEP_FIRST);
	}

	private Mono<IngestResult> ingest(String source, Flux<IngestItem> items, OnDuplicate onDuplicate) {
		return pricing.table().flatMap(table -> Mono.defer(() -> {
			Batch batch = new Batch(source, table, clock.instant(), onDuplicate);
			return batch.accepted(items)
				.buffer(UsageRecordStore.WRITE_CHUNK)
				.concatMap(batch::write)
				.then(Mono.defer(batch::finish))
				.as(transactions::transactional)
				.doOnSuccess(result -> metrics.recorded(batch.tally))
				.doOnError(error -> batch.rejected());
		}));
	}

	/** The state of one batch while it is read; lives inside one subscription. */
	private final class Batch {

		private final String source;

		private final PriceTable prices;

		private final Instant now;

		private final OnDuplicate onDuplicate;

		private final Set<String> keys = new HashSet<>();

		/** KEEP_LARGER: the largest record per key, written once every item is read. */
		private final Map<String, UsageRecord> largest = new LinkedHashMap<>();

		private final List<Map<String, Object>> errors = new ArrayList<>();

		private final Map<String, Long> rejectedByReason = new HashMap<>();

		private final UsageMetrics.Tally tally = new UsageMetrics.Tally();

		private final RollupChange rollup = new RollupChange();

		private long received;

		private long recorded;

		private long updated;

		Batch(String source, PriceTable prices, Instant now, OnDuplicate onDuplicate) {
			this.source = source;
			this.prices = prices;
			this.now = now;
			this.onDuplicate = onDuplicate;
		}

		/** The records to write, in order; with KEEP_LARGER, one per key once every item is read. */
		Flux<UsageRecord> accepted(Flux<IngestItem> items) {
			Flux<UsageRecord> accepted = items.index().handle((item, sink) -> {
				UsageRecord record = accept(item);
				if (record != null) {
					sink.next(record);
				}
			});
			if (onDuplicate == OnDuplicate.KEEP_FIRST) {
				return accepted;
			}
			return accepted.thenMany(Flux.defer(() -> Flux.fromIterable(largest.values())));
		}

		/** The record to insert for an item, or {@code null} when it is bad or a repeat within the batch. */
		@Nullable UsageRecord accept(Tuple2<Long, IngestItem> indexed) {
			long index = indexed.getT1();
			IngestItem item = indexed.getT2();
			received++;
			if (received > properties.maxBatchRecords()) {
				rejectedByReason.merge("batch-too-large", 1L, Long::sum);
				throw new ApiException(UsageProblems.BATCH_TOO_LARGE, "A batch may have at most "
						+ properties.maxBatchRecords() + " records; split it (nothing was recorded).",
						Map.of("maxRecords", properties.maxBatchRecords()));
			}
			List<RecordError> problems = item.record() == null ? item.errors() : RecordRules.check(item.record(), now);
			if (!problems.isEmpty()) {
				reject(index, problems);
				return null;
			}
			UsageRecordRequest request = item.record();
			if (onDuplicate == OnDuplicate.KEEP_LARGER) {
				if (errors.isEmpty()) {
					largest.merge(request.key(), toRecord(request), Batch::larger);
				}
				return null;
			}
			if (!keys.add(request.key())) {
				return null;
			}
			return errors.isEmpty() ? toRecord(request) : null;
		}

		Mono<Long> write(List<UsageRecord> chunk) {
			if (!errors.isEmpty()) {
				return Mono.just(0L);
			}
			Mono<UsageRecordStore.Insertion> insertion = store.insertNew(chunk, rollup).map(this::counted);
			if (onDuplicate == OnDuplicate.KEEP_FIRST) {
				return insertion.map(UsageRecordStore.Insertion::count);
			}
			return insertion.flatMap(inserted -> replaceSmaller(chunk, inserted));
		}

		private UsageRecordStore.Insertion counted(UsageRecordStore.Insertion insertion) {
			recorded += insertion.count();
			insertion.inserted()
				.forEach(record -> tally.add(record.agent(), record.model(), record.tokens(), record.cost()));
			return insertion;
		}

		/** KEEP_LARGER: replaces the stored records that a record of the chunk beats. */
		private Mono<Long> replaceSmaller(List<UsageRecord> chunk, UsageRecordStore.Insertion insertion) {
			if (insertion.count() == chunk.size()) {
				return Mono.just(insertion.count());
			}
			Set<String> inserted = new HashSet<>();
			insertion.inserted().forEach(record -> inserted.add(record.key()));
			Map<String, UsageRecord> known = new HashMap<>();
			chunk.stream().filter(record -> !inserted.contains(record.key()))
				.forEach(record -> known.put(record.key(), record));
			return store.lockStored(List.copyOf(known.keySet()))
				.map(stored -> stored.stream()
					.filter(record -> known.get(record.key()).tokens().total() > record.tokens().total())
					.map(record -> new UsageRecordStore.Replacement(record, replaced(record, known.get(record.key()))))
					.toList())
				.flatMap(replacements -> store.replace(replacements, rollup)
					.map(count -> countReplaced(replacements, count)))
				.map(count -> insertion.count() + count);
		}

		private long countReplaced(List<UsageRecordStore.Replacement> replacements, long count) {
			updated += count;
			replacements.forEach(this::tallyIncrease);
			return count;
		}

		/** The stored record with the tokens of a larger one and their cost, priced as at ingest. */
		private UsageRecord replaced(UsageRecord stored, UsageRecord larger) {
			BigDecimal cost = larger.cost();
			String costSource = larger.costSource();
			if (!COST_REPORTED.equals(costSource)) {
				ModelPrice price = prices.find(stored.model(), stored.occurredAt()).orElse(null);
				cost = price == null ? null : price.cost(larger.tokens());
				costSource = price == null ? null : COST_CALCULATED;
			}
			return new UsageRecord(stored.id(), stored.key(), stored.occurredAt(), stored.workspace(), stored.agent(),
					stored.model(), stored.provider(), stored.sessionId(), larger.tokens(), cost, costSource,
					stored.latencyMs(), stored.errorCode(), stored.source(), stored.recordedAt());
		}

		/** Counters only go up: a replacement adds the token kinds and cost that grew. */
		private void tallyIncrease(UsageRecordStore.Replacement replacement) {
			Tokens before = replacement.stored().tokens();
			Tokens after = replacement.replacement().tokens();
			Tokens grown = new Tokens(Math.max(0, after.input() - before.input()),
					Math.max(0, after.output() - before.output()), Math.max(0, after.cacheRead() - before.cacheRead()),
					Math.max(0, after.cacheWrite5m() - before.cacheWrite5m()),
					Math.max(0, after.cacheWrite1h() - before.cacheWrite1h()),
					Math.max(0, after.reasoning() - before.reasoning()));
			BigDecimal costBefore = replacement.stored().cost() == null ? BigDecimal.ZERO : replacement.stored().cost();
			BigDecimal costAfter = replacement.replacement().cost();
			BigDecimal costGrown = costAfter == null || costAfter.compareTo(costBefore) <= 0 ? null
					: costAfter.subtract(costBefore);
			tally.add(replacement.replacement().agent(), replacement.replacement().model(), grown, costGrown);
		}

		/** Writes the rollup change (last, so its rows stay locked only briefly) and answers the result. */
		Mono<IngestResult> finish() {
			if (!errors.isEmpty()) {
				return Mono.fromCallable(this::result);
			}
			return store.applyRollup(rollup).then(Mono.fromCallable(this::result));
		}

		IngestResult result() {
			if (!errors.isEmpty()) {
				throw new ApiException(UsageProblems.INVALID_RECORDS, errors.size() + " of " + received
						+ " records are invalid; nothing was recorded. Fix them and send the batch again.",
						Map.of("errors", errors, "received", received));
			}
			return new IngestResult(received, recorded, received - recorded - updated, updated);
		}

		void rejected() {
			rejectedByReason.forEach(metrics::rejected);
		}

		private static UsageRecord larger(UsageRecord first, UsageRecord second) {
			return second.tokens().total() > first.tokens().total() ? second : first;
		}

		private void reject(long index, List<RecordError> problems) {
			for (RecordError problem : problems) {
				rejectedByReason.merge(problem.reason(), 1L, Long::sum);
				if (errors.size() < 1000) {
					Map<String, Object> error = new LinkedHashMap<>();
					error.put("index", index);
					error.put("field", problem.field());
					error.put("reason", problem.reason());
					error.put("message", problem.message());
					errors.add(error);
				}
			}
		}

		private UsageRecord toRecord(UsageRecordRequest request) {
			BigDecimal cost = RecordRules.cost(request.cost());
			String costSource = cost != null ? COST_REPORTED : null;
			Instant occurredAt = request.occurredAt().truncatedTo(ChronoUnit.MICROS);
			if (cost == null) {
				ModelPrice price = prices.find(request.model(), occurredAt).orElse(null);
				if (price != null) {
					cost = price.cost(request.tokens());
					costSource = COST_CALCULATED;
				}
			}
			return new UsageRecord(null, request.key(), occurredAt, request.workspace(), request.agent(),
					request.model(), request.provider(), request.sessionId(), request.tokens(), cost, costSource,
					request.latencyMs(), request.error(), source, now.truncatedTo(ChronoUnit.MICROS));
		}

	}

}
