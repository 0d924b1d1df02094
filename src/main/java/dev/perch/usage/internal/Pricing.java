package dev.perch.usage.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Service;

import dev.perch.shared.web.ApiException;
import dev.perch.usage.UsageProblems;
import dev.perch.usage.UsageProperties;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The price table: the shipped price file plus effective-dated overrides from the database. Ingest
 * reads a snapshot that is at most {@code REFRESH} old (other replicas' overrides arrive within it)
 * and is rebuilt at once after an override here.
 */
@Service
public class Pricing {

	/** File entries without a date are effective from here (before any model we price existed). */
	public static final Instant FILE_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

	private static final Duration REFRESH = Duration.ofSeconds(60);

	private final PriceFile file;

	private final List<ModelPrice> filePrices;

	private final PriceStore store;

	private final Clock clock;

	private final AtomicReference<Mono<PriceTable>> snapshot = new AtomicReference<>();

	public Pricing(UsageProperties properties, ResourceLoader resources, JsonMapper json, PriceStore store,
			Clock clock) {
		this.file = read(resources, properties.pricingFile(), json);
		this.filePrices = prices(file);
		this.store = store;
		this.clock = clock;
		refresh();
	}

	/** Where the shipped prices come from and when they were read. */
	public PriceFile file() {
		return file;
	}

	/** The current table: file prices, then overrides oldest first. */
	public Mono<PriceTable> table() {
		return snapshot.get();
	}

	/** Adds an override for a model (or pattern), effective from its date (now when it names none). */
	public Mono<ModelPrice> override(String model, PriceEntry entry) {
		MatchKind kind = entry.kind();
		if (kind == null) {
			throw invalid(List.of(Map.of("field", "match", "message", "must be exact or pattern")));
		}
		List<Map<String, String>> problems = entry.problems(model, kind);
		if (!problems.isEmpty()) {
			throw invalid(problems);
		}
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		ModelPrice price = entry.toPrice(model, kind, now, "override");
		return store.save(price, now).then(Mono.defer(() -> {
			refresh();
			return Mono.just(price);
		}));
	}

	private void refresh() {
		snapshot.set(store.findAll()
			.collectList()
			.map(overrides -> {
				List<ModelPrice> all = new ArrayList<>(filePrices);
				all.addAll(overrides);
				return new PriceTable(all);
			})
			.cache(table -> REFRESH, error -> Duration.ZERO, () -> REFRESH));
	}

	private static ApiException invalid(List<Map<String, String>> problems) {
		return new ApiException(UsageProblems.INVALID_PRICE,
				"The price has " + problems.size() + " invalid field(s); nothing was changed.",
				Map.of("errors", problems));
	}

	private static PriceFile read(ResourceLoader resources, String location, JsonMapper json) {
		JsonMapper strict = json.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		try (InputStream in = resources.getResource(location).getInputStream()) {
			return strict.readValue(in, PriceFile.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the price file " + location, ex);
		}
	}

	/** The file's prices, each checked like an override; a bad file stops start-up with every problem named. */
	static List<ModelPrice> prices(PriceFile file) {
		List<String> problems = new ArrayList<>();
		List<ModelPrice> prices = new ArrayList<>();
		for (int i = 0; i < file.models().size(); i++) {
			PriceEntry entry = file.models().get(i);
			MatchKind kind = entry.kind();
			if (entry.model() == null || kind == null) {
				problems.add("models[" + i + "]: needs a model and match exact|pattern");
				continue;
			}
			List<Map<String, String>> entryProblems = entry.problems(entry.model(), kind);
			if (!entryProblems.isEmpty()) {
				problems.add("models[" + i + "] " + entry.model() + ": " + entryProblems);
				continue;
			}
			prices.add(entry.toPrice(entry.model(), kind, FILE_EPOCH, "file " + file.retrieved()));
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("The price file is invalid: " + problems);
		}
		return List.copyOf(prices);
	}

}
