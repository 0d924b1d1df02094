package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Price overrides in the {@code model_price} table. */
@Repository
public class PriceStore {

	private static final TypeReference<List<PriceTier>> TIERS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final JsonMapper json;

	public PriceStore(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** Every override, oldest first. */
	public Flux<ModelPrice> findAll() {
		return db.sql("SELECT model, match_kind, effective_from, input_price, output_price, cache_read_price,"
				+ " cache_write_5m_price, cache_write_1h_price, tiers, source FROM model_price ORDER BY id")
			.map(this::price)
			.all();
	}

	/** Stores an override; one with the same model, kind and date is replaced. */
	@Transactional
	public Mono<Void> save(ModelPrice price, Instant now) {
		return db.sql("DELETE FROM model_price WHERE model = :model AND match_kind = :kind AND effective_from = :from")
			.bind("model", price.model())
			.bind("kind", price.match().json())
			.bind("from", utc(price.effectiveFrom()))
			.then()
			.then(db.sql("INSERT INTO model_price (model, match_kind, effective_from, input_price, output_price,"
					+ " cache_read_price, cache_write_5m_price, cache_write_1h_price, tiers, source, created_at)"
					+ " VALUES (:model, :kind, :from, :input, :output, :cacheRead, :cacheWrite5m, :cacheWrite1h,"
					+ " :tiers, :source, :now)")
				.bind("model", price.model())
				.bind("kind", price.match().json())
				.bind("from", utc(price.effectiveFrom()))
				.bind("input", price.rates().input())
				.bind("output", price.rates().output())
				.bind("cacheRead", price.rates().cacheRead())
				.bind("cacheWrite5m", price.rates().cacheWrite5m())
				.bind("cacheWrite1h", price.rates().cacheWrite1h())
				.bind("tiers", json.writeValueAsString(price.tiers()))
				.bind("source", price.source())
				.bind("now", utc(now))
				.then());
	}

	private ModelPrice price(Readable row) {
		Rates rates = new Rates(decimal(row, "input_price"), decimal(row, "output_price"),
				decimal(row, "cache_read_price"), decimal(row, "cache_write_5m_price"),
				decimal(row, "cache_write_1h_price"));
		return new ModelPrice(row.get("model", String.class), MatchKind.parse(row.get("match_kind", String.class)),
				row.get("effective_from", OffsetDateTime.class).toInstant(), rates,
				json.readValue(row.get("tiers", String.class), TIERS), row.get("source", String.class));
	}

	private static BigDecimal decimal(Readable row, String column) {
		return row.get(column, BigDecimal.class).stripTrailingZeros();
	}

	static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
