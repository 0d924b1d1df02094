package dev.perch.usage.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.perch.shared.settings.Settings;
import dev.perch.usage.IngestResult;
import dev.perch.usage.UsageService;
import dev.perch.usage.internal.Buckets;
import dev.perch.usage.internal.Interval;
import dev.perch.usage.internal.RecordCursor;
import dev.perch.usage.internal.RecordFilter;
import dev.perch.usage.internal.SummaryQuery;
import dev.perch.usage.internal.UsageRecord;
import dev.perch.usage.internal.UsageRecordStore;
import dev.perch.usage.internal.UsageSettings;
import dev.perch.usage.internal.UsageSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/usage")
@Validated
@Tag(name = "Usage")
class UsageController {

	/** The most buckets one summary may have (about 2.7 years by day). */
	static final int MAX_BUCKETS = 1000;

	private static final String NDJSON = MediaType.APPLICATION_NDJSON_VALUE;

	private static final int EXPORT_LINES = 200;

	private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

	private final JsonMapper json;

	private final UsageService usage;

	private final UsageRecordStore records;

	private final SummaryQuery summaries;

	private final Settings settings;

	private final UsageSettings usageSettings;

	private final Clock clock;

	UsageController(UsageService usage, UsageRecordStore records, SummaryQuery summaries, Settings settings,
			UsageSettings usageSettings, JsonMapper json, Clock clock) {
		this.json = json;
		this.usage = usage;
		this.records = records;
		this.summaries = summaries;
		this.settings = settings;
		this.usageSettings = usageSettings;
		this.clock = clock;
	}

	@PostMapping(path = "/records", consumes = { MediaType.APPLICATION_JSON_VALUE, NDJSON })
	@Operation(summary = "Record usage: one JSON object, a JSON array or NDJSON; idempotent by key, all or nothing")
	Mono<IngestResult> ingest(@RequestBody Flux<JsonNode> body) {
		return usage.ingest("api", body.map(RecordReader::read));
	}

	@GetMapping("/summary")
	@Operation(summary = "Totals per day, week or month in a time zone, grouped by workspace, agent and/or model")
	Mono<UsageSummary> summary(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, @RequestParam(required = false) @Nullable String tz,
			@RequestParam(required = false) @Nullable String interval,
			@RequestParam(required = false) @Nullable String groupBy,
			@RequestParam(required = false) @Nullable String workspace,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String model) {
		return settings.get(usageSettings.timeZone).flatMap(defaultZone -> {
			QueryParameters query = new QueryParameters();
			ZoneId zone = query.zone(tz, defaultZone);
			Interval period = query.interval(interval);
			List<String> groups = query.groupBy(groupBy);
			Instant end = to == null ? endOfToday(zone) : query.to(to, zone);
			Instant start = from == null ? defaultFrom(zone) : query.from(from, zone);
			RecordFilter filter = query.filter(start, end, workspace, agent, model, null);
			query.check();
			Buckets buckets = Buckets.of(start, end, zone, period, MAX_BUCKETS);
			if (buckets == null) {
				query.error("interval", "the range would have more than " + MAX_BUCKETS + " buckets; use a longer interval");
				query.check();
			}
			return summaries.summarize(buckets, groups, filter);
		});
	}

	@GetMapping("/records")
	@Operation(summary = "Stored records, newest first, filtered and cursor-paged")
	Mono<RecordsPage> records(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String workspace,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String model,
			@RequestParam(required = false) @Nullable String sessionId,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
		QueryParameters query = new QueryParameters();
		RecordFilter filter = query.filter(query.from(from, ZoneId.of("UTC")), query.to(to, ZoneId.of("UTC")),
				workspace, agent, model, sessionId);
		RecordCursor after = cursor == null ? null : RecordCursor.decode(cursor);
		if (cursor != null && after == null) {
			query.error("cursor", "is not a cursor this API handed out");
		}
		query.check();
		return records.page(filter, after, limit + 1).collectList().map(page -> page(page, limit));
	}

	@GetMapping("/export")
	@Operation(summary = "Every matching record, oldest first, streamed as CSV or NDJSON")
	ResponseEntity<Flux<DataBuffer>> export(@RequestParam(defaultValue = "csv") String format,
			@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String workspace,
			@RequestParam(required = false) @Nullable String agent,
			@RequestParam(required = false) @Nullable String model,
			@RequestParam(required = false) @Nullable String sessionId) {
		QueryParameters query = new QueryParameters();
		RecordFilter filter = query.filter(query.from(from, ZoneId.of("UTC")), query.to(to, ZoneId.of("UTC")),
				workspace, agent, model, sessionId);
		String kind = format.toLowerCase(Locale.ROOT);
		if (!kind.equals("csv") && !kind.equals("ndjson")) {
			query.error("format", "must be csv or ndjson");
		}
		query.check();
		Flux<UsageRecord> rows = records.stream(filter);
		String file = "usage-" + LocalDate.now(clock) + "." + kind;
		ResponseEntity.BodyBuilder response = ResponseEntity.ok()
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"");
		if (kind.equals("csv")) {
			return response.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
				.body(buffers(Flux.just(Csv.HEADER).concatWith(rows.map(Csv::line))));
		}
		return response.contentType(MediaType.APPLICATION_NDJSON)
			.body(buffers(rows.map(row -> json.writeValueAsString(UsageRecordResponse.of(row)) + "\n")));
	}

	/** Lines in buffers of up to {@code EXPORT_LINES} lines: few writes, memory bounded by one buffer. */
	private static Flux<DataBuffer> buffers(Flux<String> lines) {
		return lines.buffer(EXPORT_LINES)
			.map(chunk -> BUFFERS.wrap(String.join("", chunk).getBytes(StandardCharsets.UTF_8)));
	}

	private static RecordsPage page(List<UsageRecord> rows, int limit) {
		List<UsageRecord> items = rows.size() > limit ? rows.subList(0, limit) : rows;
		String next = null;
		if (rows.size() > limit) {
			UsageRecord last = items.get(items.size() - 1);
			next = new RecordCursor(last.occurredAt(), last.id() == null ? 0 : last.id()).encode();
		}
		return new RecordsPage(items.stream().map(UsageRecordResponse::of).toList(), next);
	}

	private Instant endOfToday(@Nullable ZoneId zone) {
		ZoneId z = zone == null ? ZoneId.of("UTC") : zone;
		return LocalDate.now(clock.withZone(z)).plusDays(1).atStartOfDay(z).toInstant();
	}

	private Instant defaultFrom(@Nullable ZoneId zone) {
		ZoneId z = zone == null ? ZoneId.of("UTC") : zone;
		return LocalDate.now(clock.withZone(z)).minusDays(29).atStartOfDay(z).toInstant();
	}

}
