package dev.perch.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.support.TestDatabase;
import dev.perch.usage.internal.PriceStore;
import dev.perch.usage.internal.Pricing;
import dev.perch.usage.internal.SummaryQuery;
import dev.perch.usage.internal.UsageMetrics;
import dev.perch.usage.internal.UsageRecordStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/** Records, properties and a wired usage module on a test database. */
final class UsageFixtures {

	static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

	private UsageFixtures() {
	}

	static UsageProperties properties() {
		return new UsageProperties(Duration.ofDays(90), ZoneId.of("UTC"), Duration.ofHours(1), 10, 10_000,
				"classpath:pricing/prices.json", new UsageProperties.Collect(false, Duration.ofMinutes(5)));
	}

	static UsageRecordRequest record(String key, Instant at, String model, long input, long output) {
		return new UsageRecordRequest(key, at, "alpha", "claude", model, "anthropic", "s-1",
				new Tokens(input, output, 0, 0, 0, 0), null, 120L, null);
	}

	static UsageRecordRequest record(String key, Instant at, String workspace, String agent, String model,
			Tokens tokens, BigDecimal cost) {
		return new UsageRecordRequest(key, at, workspace, agent, model, null, "s-1", tokens, cost, null, null);
	}

	/** The usage module wired by hand on a migrated test database. */
	record Module(TestDatabase.Migrated database, UsageService service, UsageRecordStore store, SummaryQuery summaries,
			Pricing pricing, SimpleMeterRegistry meters) {

		long count() {
			return DatabaseClient.create(database.connectionFactory())
				.sql("SELECT COUNT(*) AS n FROM usage_record")
				.map(row -> ((Number) row.get("n")).longValue())
				.one()
				.block(Duration.ofSeconds(10));
		}

	}

	static Module module(TestDatabase database) {
		return module(database.migrated());
	}

	static Module module(TestDatabase.Migrated migrated) {
		DatabaseClient db = DatabaseClient.create(migrated.connectionFactory());
		JsonMapper json = JsonMapper.builder().build();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		R2dbcTransactionManager transactions = new R2dbcTransactionManager(migrated.connectionFactory());
		UsageRecordStore store = new UsageRecordStore(db, transactions);
		Pricing pricing = new Pricing(properties(), new DefaultResourceLoader(), json, new PriceStore(db, json), clock);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		UsageService service = new UsageService(store, pricing, new UsageMetrics(meters), properties(),
				transactions, clock);
		return new Module(migrated, service, store, new SummaryQuery(db), pricing, meters);
	}

}
