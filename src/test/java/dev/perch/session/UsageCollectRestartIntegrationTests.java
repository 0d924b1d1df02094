package dev.perch.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.perch.PerchApplication;
import dev.perch.session.internal.CollectionReport;
import dev.perch.session.internal.UsageCollector;
import dev.perch.workspace.CreateWorkspaceRequest;
import dev.perch.workspace.WorkspaceService;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart between two collections: the second application context, on the same H2 file database (the
 * default installation), goes on from the offsets and Codex totals the first one stored.
 */
class UsageCollectRestartIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@TempDir
	Path perchHome;

	@Test
	void continuesFromTheStoredOffsetsAfterARestart() throws IOException {
		String claudeSession = UUID.randomUUID().toString();
		String codexSession = UUID.randomUUID().toString();
		Path transcript;
		Path rollout;
		try (ConfigurableApplicationContext perch = start()) {
			WorkspaceService workspaces = perch.getBean(WorkspaceService.class);
			workspaces.create(new CreateWorkspaceRequest("restart", "local", null, null, null, null)).block(TIMEOUT);
			Path home = workspaces.home("restart").block(TIMEOUT);
			transcript = Files.createDirectories(home.resolve(".claude/projects/-w")).resolve(claudeSession + ".jsonl");
			Files.writeString(transcript, reply(claudeSession, 1) + reply(claudeSession, 2));
			rollout = Files.createDirectories(home.resolve(".codex/sessions/2026/11/20"))
				.resolve("rollout-2026-11-20T10-00-00-" + codexSession + ".jsonl");
			Files.writeString(rollout, codexMeta(codexSession) + "\n" + codexTurn(codexSession + "-t1", "gpt-5", 1)
					+ codexTotals(2, 5000, 3000, 120, 40));

			assertThat(perch.getBean(UsageCollector.class).collect("restart").block(TIMEOUT).recorded()).isEqualTo(3);
		}
		String appended = reply(claudeSession, 3);
		Files.writeString(transcript, appended, StandardOpenOption.APPEND);
		String turn = codexTurn(codexSession + "-t2", "gpt-5-mini", 3) + codexTotals(4, 7000, 4000, 150, 45);
		Files.writeString(rollout, turn, StandardOpenOption.APPEND);

		try (ConfigurableApplicationContext perch = start()) {
			CollectionReport report = perch.getBean(UsageCollector.class).collect("restart").block(TIMEOUT);

			assertThat(report.filesRead()).isEqualTo(2);
			assertThat(report.bytesRead()).isEqualTo((appended + turn).getBytes(StandardCharsets.UTF_8).length);
			assertThat(report.entries()).isEqualTo(2);
			assertThat(report.recorded()).isEqualTo(2);
			assertThat(report.duplicates()).isZero();
			DatabaseClient db = perch.getBean(DatabaseClient.class);
			assertThat(db.sql("SELECT model, input_tokens, cache_read_tokens, output_tokens FROM usage_record"
					+ " WHERE session_id = :session ORDER BY occurred_at")
				.bind("session", codexSession)
				.map(row -> row.get(0, String.class) + " " + row.get(1, Long.class) + " " + row.get(2, Long.class) + " "
						+ row.get(3, Long.class))
				.all()
				.collectList()
				.block(TIMEOUT)).containsExactly("gpt-5 2000 3000 120", "gpt-5-mini 1000 1000 30");
		}
	}

	private static String reply(String session, int n) {
		return claudeAssistant(session, UUID.randomUUID().toString(), "msg_" + session + "_" + n, "req_" + n,
				"2026-11-20T10:0" + n + ":00Z", "reply " + n, 10, 20) + "\n";
	}

	/** Perch with the test profile, but on an H2 file database under {@code perchHome} that outlives the context. */
	private ConfigurableApplicationContext start() {
		String options = ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE";
		String database = perchHome.resolve("db/perch").toString();
		return new SpringApplicationBuilder(PerchApplication.class).profiles("test")
			.run("--perch.home=" + perchHome, "--server.port=0", "--server.address=127.0.0.1",
					"--spring.r2dbc.url=r2dbc:h2:file:///" + database + options, "--spring.flyway.url=jdbc:h2:file:" + database + options);
	}

}
