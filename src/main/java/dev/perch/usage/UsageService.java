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
		return ingest(source, Flux.fromIterable(records).map(IngestItem::of));
	}

	/** Records one request; {@code true} when it was new. */
	public Mono<Boolean> recordOne(String source, UsageRecordRequest record) {
		return record(source, List.of(record)).map(result -> result.recorded() == 1);
	}

	/**
	 * Records items as they arrive (a streamed request body, say), inserting in chunks inside one
	 * transaction; the first bad item stops inserting, the rest are still checked, and the transaction
	 * is rolled back with an {@link UsageProblems#INVALID_RECORDS} problem listing every bad item.
	 */
	public Mono<IngestResult> ingest(String source, Flux<IngestItem> items) {
		return pricing.table().flatMap(table -> Mono.defer(() -> {
			Batch batch = new Batch(source, table, clock.instant());
			return items.index()
				.<UsageRecord>handle((item, sink) -> {
					UsageRecord record = batch.accept(item);
					if (record != null) {
						sink.next(record);
					}
				})
				.buffer(UsageRecordStore.WRITE_CHUNK)
				.concatMap(batch::write)
				.then(Mono.fromCallable(batch::result))
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

		private final Set<String> keys = new HashSet<>();

		private final List<Map<String, Object>> errors = new ArrayList<>();

		private final Map<String, Long> rejectedByReason = new HashMap<>();

		private final UsageMetrics.Tally tally = new UsageMetrics.Tally();

		private long received;

		private long recorded;

		Batch(String source, PriceTable prices, Instant now) {
			this.source = source;
			this.prices = prices;
			this.now = now;
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
			if (!keys.add(request.key())) {
				return null;
			}
			return errors.isEmpty() ? toRecord(request) : null;
		}

		Mono<Long> write(List<UsageRecord> chunk) {
			if (!errors.isEmpty()) {
				return Mono.just(0L);
			}
			return store.insertNew(chunk).map(this::counted);
		}

		private long counted(UsageRecordStore.Insertion insertion) {
			recorded += insertion.count();
			insertion.inserted()
				.forEach(record -> tally.add(record.agent(), record.model(), record.tokens(), record.cost()));
			return insertion.count();
		}

		IngestResult result() {
			if (!errors.isEmpty()) {
				throw new ApiException(UsageProblems.INVALID_RECORDS, errors.size() + " of " + received
						+ " records are invalid; nothing was recorded. Fix them and send the batch again.",
						Map.of("errors", errors, "received", received));
			}
			return new IngestResult(received, recorded, received - recorded);
		}

		void rejected() {
			rejectedByReason.forEach(metrics::rejected);
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
