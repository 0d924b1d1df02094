package dev.perch.support;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.dialect.H2Dialect;
import org.springframework.data.r2dbc.dialect.PostgresDialect;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.r2dbc.core.DatabaseClient;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;

/**
 * The two databases every repository test runs on: embedded H2 and a real PostgreSQL 15 (the one
 * {@code ./test.sh} starts on 127.0.0.1:5432, or {@code PERCH_TEST_POSTGRES_URL=host:port/db}).
 * Each {@link #migrated()} call gives a fresh, Flyway-migrated database (a new H2 in memory, a new
 * PostgreSQL schema). Without PostgreSQL its tests are skipped, except with {@code CI=true}, where
 * they fail.
 */
public enum TestDatabase {

	H2, POSTGRES;

	private static final Map<TestDatabase, Boolean> AVAILABLE = new ConcurrentHashMap<>();

	/** A fresh migrated database and the pieces to use it. */
	public Migrated migrated() {
		return migratedTo(null);
	}

	/**
	 * A fresh database migrated up to and including {@code version} only (every migration when
	 * {@code null}); {@link Migrated#migrate()} applies the rest, to test a migration on existing data.
	 */
	public Migrated migratedTo(@Nullable String version) {
		String name = "t" + UUID.randomUUID().toString().replace("-", "");
		FluentConfiguration flyway;
		ConnectionFactory connectionFactory;
		if (this == H2) {
			String options = ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
			flyway = Flyway.configure().dataSource("jdbc:h2:mem:" + name + options, "sa", "");
			connectionFactory = ConnectionFactories.get("r2dbc:h2:mem://sa@/" + name + options);
		}
		else {
			String hostPortDb = postgresAddress();
			requireAvailable(hostPortDb);
			flyway = Flyway.configure()
				.dataSource("jdbc:postgresql://" + hostPortDb, "postgres", "")
				.schemas(name)
				.createSchemas(true);
			connectionFactory = ConnectionFactories
				.get("r2dbc:postgresql://postgres@" + hostPortDb + "?schema=" + name);
		}
		if (version != null) {
			flyway.target(version);
		}
		flyway.load().migrate();
		return new Migrated(this, connectionFactory, flyway.target(MigrationVersion.LATEST));
	}

	public static String postgresAddress() {
		String env = System.getenv("PERCH_TEST_POSTGRES_URL");
		return env == null || env.isBlank() ? "127.0.0.1:5432/perch_test" : env;
	}

	private static void requireAvailable(String hostPortDb) {
		boolean up = AVAILABLE.computeIfAbsent(POSTGRES, key -> {
			try (var connection = java.sql.DriverManager.getConnection("jdbc:postgresql://" + hostPortDb, "postgres", "")) {
				return connection.isValid(2);
			}
			catch (java.sql.SQLException ex) {
				return false;
			}
		});
		RealServices.require(up, "PostgreSQL at " + hostPortDb);
	}

	/** A migrated database: its connection factory, a template and repositories on it. */
	public record Migrated(TestDatabase database, ConnectionFactory connectionFactory, FluentConfiguration flyway) {

		/** Applies the migrations not applied yet. */
		public void migrate() {
			flyway.load().migrate();
		}

		public R2dbcEntityTemplate template() {
			return new R2dbcEntityTemplate(DatabaseClient.create(connectionFactory),
					database == H2 ? H2Dialect.INSTANCE : PostgresDialect.INSTANCE);
		}

		public <T> T repository(Class<T> type) {
			return new R2dbcRepositoryFactory(template()).getRepository(type);
		}

	}


}
