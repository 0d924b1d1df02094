package dev.perch.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.perch.session.agent.claude.ClaudeReader;
import dev.perch.session.agent.codex.CodexReader;
import dev.perch.session.agent.opencode.OpenCodeReader;
import dev.perch.session.internal.AgentReader;
import dev.perch.session.internal.SessionProperties;
import dev.perch.session.internal.UsageFile;
import dev.perch.session.internal.UsagePosition;
import dev.perch.session.internal.UsageRead;
import tools.jackson.databind.json.JsonMapper;

/** Real transcripts (Claude Code 2.1.331, Codex 0.169.0, OpenCode 1.18.33) copied into a workspace home. */
public final class SessionFixtures {

	public static final String ALPHA = "/tmp/iso/work/proj-alpha";

	public static final String BETA = "/tmp/iso/work/beta.app_2";

	public static final String CLAUDE_SIMPLE = "5b865700-26e3-47aa-9075-65318b85147c";

	public static final String CLAUDE_TOOLS = "a183c2e9-f757-4c44-86ba-8db91e909b09";

	public static final String CLAUDE_FORK = "38c853e4-666f-4a7f-a4db-d5978948cb26";

	public static final String CLAUDE_HAIKU = "16b6b57e-2ba8-4e87-9d93-53baa0c24d0a";

	public static final String CLAUDE_SUBAGENT = "4b5440ae-aae9-44cc-b7a2-7e99f7439a35";

	public static final String CLAUDE_TITLED = "d71bc245-c21a-421a-ab0d-80d95d6ab3b9";

	public static final String CODEX_SIMPLE = "01a2100b-cc31-7d91-80c2-9a239d897643";

	public static final String CODEX_RESUMED = "01a2100b-ea72-7451-8a09-0962b3aef22c";

	public static final String CODEX_TOOLS = "01a2100c-154e-72c3-a26e-5ef66337b096";

	public static final String OPENCODE_ALPHA = "ses_defc47b8bffedSEfQC6t3eKEVD";

	public static final String OPENCODE_SECOND = "ses_defc45b4fffe6feRdEeA5pG01s";

	/** Sessions of OpenCode 1.1.65's JSON layout ({@code fixtures/agents/opencode/json-1.1.65}). */
	public static final String OPENCODE_JSON_PING = "ses_db66af937ffeYMYdvPyeb9eF8U";

	public static final String OPENCODE_JSON_TOOL = "ses_db66ae690ffefjS2h2AFo9SqY0";

	public static final String OPENCODE_JSON_REPO = "ses_db66ad107ffeZCtkfrLQN166HL";

	private SessionFixtures() {
	}

	public static JsonMapper json() {
		return JsonMapper.builder().build();
	}

	public static ClaudeReader claude() {
		return new ClaudeReader(json(), SessionProperties.defaults());
	}

	public static CodexReader codex() {
		return new CodexReader(json(), SessionProperties.defaults());
	}

	public static OpenCodeReader opencode() {
		return new OpenCodeReader(json(), SessionProperties.defaults());
	}

	/** The fixture folder on the test class path. */
	public static Path fixtures() {
		try {
			return Path.of(Objects.requireNonNull(SessionFixtures.class.getResource("/fixtures/agents")).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Copies every agent's fixture files into {@code home} where each agent writes them. */
	public static Path home(Path home) {
		copy(fixtures().resolve("claude"), home.resolve(".claude"));
		copy(fixtures().resolve("codex"), home.resolve(".codex"));
		copy(fixtures().resolve("opencode/opencode.db"), home.resolve(".local/share/opencode/opencode.db"));
		return home;
	}

	/** Copies the JSON storage OpenCode 1.1.65 wrote into {@code home}, where it wrote it. */
	public static Path openCodeJsonLayout(Path home) {
		copy(fixtures().resolve("opencode/json-1.1.65/storage"), home.resolve(".local/share/opencode/storage"));
		return home;
	}

	/** Puts the database OpenCode 1.2.27 made from that JSON storage on its first start (same sessions) into {@code home}. */
	public static Path openCodeMigratedDatabase(Path home) {
		copy(fixtures().resolve("opencode/migrated-1.2.27/opencode.db"), home.resolve(".local/share/opencode/opencode.db"));
		return home;
	}

	public static void copy(Path from, Path to) {
		try {
			if (Files.isRegularFile(from)) {
				Files.createDirectories(to.getParent());
				Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
				to.toFile().setWritable(true);
				return;
			}
			Files.walkFileTree(from, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
					Files.createDirectories(to.resolve(from.relativize(dir).toString()));
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Path target = to.resolve(from.relativize(file).toString());
					Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
					target.toFile().setWritable(true);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A Claude Code user line (compact JSON, as the CLI writes it). */
	public static String claudeUser(String session, String uuid, String cwd, String timestamp, String text) {
		return "{\"parentUuid\":null,\"isSidechain\":false,\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"
				+ quote(text) + "},\"uuid\":\"" + uuid + "\",\"timestamp\":\"" + timestamp + "\",\"cwd\":" + quote(cwd)
				+ ",\"sessionId\":\"" + session + "\"}";
	}

	/** A Claude Code assistant line: one content block of message {@code messageId}. */
	public static String claudeAssistant(String session, String uuid, String messageId, String requestId, String timestamp,
			String text, long input, long output) {
		return "{\"parentUuid\":null,\"isSidechain\":false,\"message\":{\"id\":\"" + messageId
				+ "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":"
				+ quote(text) + "}],\"usage\":{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":0,"
				+ "\"cache_read_input_tokens\":0,\"output_tokens\":" + output + "}},\"requestId\":\"" + requestId
				+ "\",\"type\":\"assistant\",\"uuid\":\"" + uuid + "\",\"timestamp\":\"" + timestamp
				+ "\",\"cwd\":\"/w\",\"sessionId\":\"" + session + "\"}";
	}

	/** A Codex {@code session_meta} line (provider {@code openai}), without its newline. */
	public static String codexMeta(String session) {
		return "{\"timestamp\":\"2026-11-20T10:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"" + session
				+ "\",\"timestamp\":\"2026-11-20T10:00:00.000Z\",\"cwd\":\"/w\",\"model_provider\":\"openai\"}}";
	}

	/** A Codex {@code turn_context} line with its newline. */
	public static String codexTurn(String turn, String model, int second) {
		return "{\"timestamp\":\"2026-11-20T10:00:0" + second + ".000Z\",\"type\":\"turn_context\",\"payload\":{\"turn_id\":\""
				+ turn + "\",\"cwd\":\"/w\",\"model\":\"" + model + "\"}}\n";
	}

	/** A Codex {@code token_count} line (cumulative totals) with its newline. */
	public static String codexTotals(int second, long input, long cached, long output, long reasoning) {
		return "{\"timestamp\":\"2026-11-20T10:00:0" + second + ".500Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\","
				+ "\"info\":{\"total_token_usage\":{\"input_tokens\":" + input + ",\"cached_input_tokens\":" + cached
				+ ",\"output_tokens\":" + output + ",\"reasoning_output_tokens\":" + reasoning + ",\"total_tokens\":"
				+ (input + output) + "}}}}\n";
	}

	/**
	 * Reads the usage of every file of {@code full} the way the collector does while an agent writes them:
	 * each file is written into {@code steps} in {@code parts} appends cut at arbitrary bytes (mid-line), and
	 * after each append the files are listed and read on from the positions the previous read reached. A key
	 * read again keeps its larger totals (as the store will). Returns the entries of the last read of each key.
	 */
	public static Map<String, UsageEntry> readInSteps(AgentReader reader, Path full, Path steps, int parts)
			throws IOException {
		List<UsageFile> files = reader.usageFiles(full);
		Map<String, UsagePosition> reached = new HashMap<>();
		Map<String, UsageEntry> byKey = new HashMap<>();
		for (int part = 1; part <= parts; part++) {
			for (UsageFile file : files) {
				byte[] bytes = Files.readAllBytes(file.file());
				int from = (int) ((long) bytes.length * (part - 1) / parts);
				int to = (int) ((long) bytes.length * part / parts);
				Path target = steps.resolve(full.relativize(file.file()).toString());
				Files.createDirectories(target.getParent());
				Files.write(target, java.util.Arrays.copyOfRange(bytes, from, to), StandardOpenOption.CREATE,
						StandardOpenOption.APPEND);
			}
			List<UsagePosition> from = new ArrayList<>();
			for (UsageFile now : reader.usageFiles(steps)) {
				UsagePosition last = reached.get(now.file().toString());
				from.add(last == null ? UsagePosition.start(now) : new UsagePosition(now, last.offset(), last.state()));
			}
			UsageRead read = reader.usage(steps, "ws", from);
			read.reached().forEach(position -> reached.put(position.file().file().toString(), position));
			for (UsageEntry entry : read.entries()) {
				byKey.merge(entry.dedupeKey(), entry, (before, after) -> tokens(after) > tokens(before) ? after : before);
			}
		}
		return byKey;
	}

	private static long tokens(UsageEntry entry) {
		return entry.input() + entry.output() + entry.cacheRead() + entry.cacheWrite5m() + entry.cacheWrite1h();
	}

	private static final tools.jackson.databind.json.JsonMapper JSON = json();

	public static String quote(String text) {
		return JSON.writeValueAsString(text);
	}

}
