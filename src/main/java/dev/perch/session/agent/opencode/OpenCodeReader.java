package dev.perch.session.agent.opencode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import dev.perch.session.Agent;
import dev.perch.session.AgentSession;
import dev.perch.session.MessagePage;
import dev.perch.session.MessagePart;
import dev.perch.session.MessageUsage;
import dev.perch.session.SessionMessage;
import dev.perch.session.UsageEntry;
import dev.perch.session.agent.HomePaths;
import dev.perch.session.agent.Json;
import dev.perch.session.agent.Texts;
import dev.perch.session.internal.AgentReader;
import dev.perch.session.internal.SessionProperties;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;
import dev.perch.session.internal.UsageFile;
import dev.perch.session.internal.UsagePosition;
import dev.perch.session.internal.UsageRead;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenCode (1.2 and later, verified with 1.2.27 and 1.18.33) keeps its sessions in SQLite:
 * {@code <home>/.local/share/opencode/opencode.db} ({@code $XDG_DATA_HOME/opencode}), tables {@code session},
 * {@code message} (JSON {@code data}: role, tokens, cost, modelID) and {@code part} (JSON {@code data}: text,
 * reasoning, tool...). Reads use a read-only connection; a session's {@code time_updated} is the change
 * marker the index compares. Delete is the one write, in a transaction, with a busy timeout so a running
 * server's writes are waited for.
 * <p>
 * Older versions wrote one JSON file per record ({@link JsonStorage}); 1.2.x copied those into the new
 * database once, on its first start, and left the files. Both are read: a session in the database is read
 * from there (its JSON files are a stale copy), a session only in JSON files from them.
 */
@Component
public class OpenCodeReader implements AgentReader {

	static final String DATABASE = ".local/share/opencode/opencode.db";

	private final JsonMapper json;

	private final JsonStorage files;

	public OpenCodeReader(JsonMapper json, SessionProperties properties) {
		this.json = json;
		this.files = new JsonStorage(json, properties.maxLineBytes());
	}

	@Override
	public Agent agent() {
		return Agent.OPENCODE;
	}

	private Optional<Path> database(Path home) throws IOException {
		Path file = home.resolve(DATABASE).normalize();
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !HomePaths.inside(home, file)) {
			return Optional.empty();
		}
		return Optional.of(file);
	}

	private static Connection open(Path file, boolean readOnly) throws IOException {
		SQLiteConfig config = new SQLiteConfig();
		config.setReadOnly(readOnly);
		config.setBusyTimeout(5000);
		if (!readOnly) {
			config.resetOpenMode(SQLiteOpenMode.CREATE);
		}
		try {
			return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
		}
		catch (SQLException ex) {
			throw new IOException("cannot open the OpenCode database: " + ex.getMessage(), ex);
		}
	}

	@Override
	public List<SessionSource> sources(Path home) throws IOException {
		List<SessionSource> sources = new ArrayList<>(databaseSources(home));
		Set<String> inDatabase = new HashSet<>();
		sources.forEach(source -> inDatabase.add(source.id()));
		for (SessionSource source : files.sources(home)) {
			if (inDatabase.add(source.id())) {
				sources.add(source);
			}
		}
		return sources;
	}

	private List<SessionSource> databaseSources(Path home) throws IOException {
		Optional<Path> database = database(home);
		if (database.isEmpty()) {
			return List.of();
		}
		List<SessionSource> sources = new ArrayList<>();
		try (Connection connection = open(database.get(), true);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, time_updated FROM session")) {
			while (rows.next()) {
				String id = rows.getString(1);
				if (isValidId(id)) {
					sources.add(new SessionSource(id, database.get(), 0, rows.getLong(2)));
				}
			}
		}
		catch (SQLException ex) {
			throw new IOException("cannot read OpenCode sessions: " + ex.getMessage(), ex);
		}
		return sources;
	}

	@Override
	public List<SessionSummary> summarize(Path home, List<SessionSource> sources) throws IOException {
		List<SessionSummary> summaries = new ArrayList<>(sources.size());
		List<SessionSource> inDatabase = new ArrayList<>();
		for (SessionSource source : sources) {
			if (JsonStorage.holds(source)) {
				summaries.add(files.summarize(home, source));
			}
			else {
				inDatabase.add(source);
			}
		}
		Optional<Path> database = database(home);
		if (database.isEmpty() || inDatabase.isEmpty()) {
			return summaries;
		}
		try (Connection connection = open(database.get(), true)) {
			for (SessionSource source : inDatabase) {
				SessionSummary summary = summarize(connection, source);
				if (summary != null) {
					summaries.add(summary);
				}
			}
		}
		catch (SQLException ex) {
			throw new IOException("cannot read OpenCode sessions: " + ex.getMessage(), ex);
		}
		return summaries;
	}

	private @Nullable SessionSummary summarize(Connection connection, SessionSource source) throws SQLException {
		String title;
		String directory;
		long created;
		long updated;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT title, directory, time_created, time_updated FROM session WHERE id = ?")) {
			statement.setString(1, source.id());
			try (ResultSet row = statement.executeQuery()) {
				if (!row.next()) {
					return null;
				}
				title = row.getString(1);
				directory = row.getString(2);
				created = row.getLong(3);
				updated = row.getLong(4);
			}
		}
		int count = 0;
		int errors = 0;
		Set<String> models = new LinkedHashSet<>();
		String firstUserMessage = null;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT id, data FROM message WHERE session_id = ? ORDER BY time_created, id")) {
			statement.setString(1, source.id());
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					JsonNode data = Json.object(json, rows.getString(2));
					if (data == null) {
						errors++;
						continue;
					}
					count++;
					String model = Json.text(data, "modelID");
					if ("assistant".equals(Json.text(data, "role")) && model != null) {
						models.add(model);
					}
					if (firstUserMessage == null && "user".equals(Json.text(data, "role"))) {
						firstUserMessage = rows.getString(1);
					}
				}
			}
		}
		String firstPrompt = firstUserMessage == null ? null : firstText(connection, firstUserMessage);
		return new SessionSummary(source, Texts.oneLine(title, Texts.TITLE), Texts.oneLine(firstPrompt, Texts.TITLE),
				directory, count, List.copyOf(models), Instant.ofEpochMilli(created), Instant.ofEpochMilli(updated), errors);
	}

	private @Nullable String firstText(Connection connection, String messageId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT data FROM part WHERE message_id = ? ORDER BY id")) {
			statement.setString(1, messageId);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					JsonNode part = Json.object(json, rows.getString(1));
					if (part != null && "text".equals(Json.text(part, "type")) && !part.path("synthetic").asBoolean(false)) {
						return Json.text(part, "text");
					}
				}
			}
		}
		return null;
	}

	@Override
	public MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException {
		if (JsonStorage.holds(source)) {
			return files.messages(home, source, limit, before);
		}
		long time = Long.MAX_VALUE;
		String id = "\uffff";
		if (before != null) {
			int colon = before.indexOf(':');
			if (colon < 1 || !before.substring(0, colon).matches("[0-9]{1,18}") || !before.substring(colon + 1).matches("msg_[A-Za-z0-9]{1,60}")) {
				throw new IllegalArgumentException("not a history cursor");
			}
			time = Long.parseLong(before.substring(0, colon));
			id = before.substring(colon + 1);
		}
		Path database = database(home).orElseThrow(() -> new java.nio.file.NoSuchFileException(DATABASE));
		try (Connection connection = open(database, true)) {
			List<Row> rows = rowsBefore(connection, source.id(), time, id, limit + 1);
			boolean more = rows.size() > limit;
			List<Row> page = more ? rows.subList(0, limit) : rows;
			Map<String, List<MessagePart>> parts = parts(connection, page);
			List<SessionMessage> items = new ArrayList<>(page.size());
			for (int i = page.size() - 1; i >= 0; i--) {
				Row row = page.get(i);
				items.add(toMessage(row.id, row.created, row.data, parts.getOrDefault(row.id, List.of())));
			}
			Row oldest = page.isEmpty() ? null : page.get(page.size() - 1);
			return new MessagePage(items, more && oldest != null ? oldest.created + ":" + oldest.id : null);
		}
		catch (SQLException ex) {
			throw new IOException("cannot read OpenCode messages: " + ex.getMessage(), ex);
		}
	}

	private record Row(String id, long created, @Nullable JsonNode data) {
	}

	private List<Row> rowsBefore(Connection connection, String session, long time, String id, int limit) throws SQLException {
		List<Row> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT id, time_created, data FROM message "
				+ "WHERE session_id = ? AND (time_created < ? OR (time_created = ? AND id < ?)) "
				+ "ORDER BY time_created DESC, id DESC LIMIT ?")) {
			statement.setString(1, session);
			statement.setLong(2, time);
			statement.setLong(3, time);
			statement.setString(4, id);
			statement.setInt(5, limit);
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					rows.add(new Row(result.getString(1), result.getLong(2), Json.object(json, result.getString(3))));
				}
			}
		}
		return rows;
	}

	private Map<String, List<MessagePart>> parts(Connection connection, List<Row> rows) throws SQLException {
		Map<String, List<MessagePart>> parts = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT data FROM part WHERE message_id = ? ORDER BY id")) {
			for (Row row : rows) {
				statement.setString(1, row.id);
				List<MessagePart> list = new ArrayList<>();
				try (ResultSet result = statement.executeQuery()) {
					while (result.next()) {
						JsonNode part = Json.object(json, result.getString(1));
						if (part != null) {
							list.addAll(normalise(json, part));
						}
					}
				}
				parts.put(row.id, list);
			}
		}
		return parts;
	}

	static List<MessagePart> normalise(JsonMapper json, JsonNode part) {
		String type = String.valueOf(Json.text(part, "type"));
		return switch (type) {
			case "text" -> List.of(MessagePart.text("text", String.valueOf(Json.text(part, "text")), Texts.PART));
			case "reasoning" -> List.of(MessagePart.text("reasoning", String.valueOf(Json.text(part, "text")), Texts.PART));
			case "tool" -> {
				JsonNode state = part.path("state");
				String tool = Json.text(part, "tool");
				String call = Json.text(part, "callID");
				List<MessagePart> list = new ArrayList<>();
				list.add(MessagePart.tool("tool_call", tool, call, Json.compact(json, state.get("input")), Texts.TOOL));
				JsonNode output = state.has("output") ? state.get("output") : state.get("error");
				if (output != null) {
					list.add(MessagePart.tool("tool_result", tool, call, Json.compact(json, output), Texts.TOOL));
				}
				yield list;
			}
			default -> List.of();
		};
	}

	static SessionMessage toMessage(String id, long created, @Nullable JsonNode data, List<MessagePart> parts) {
		String role = data == null ? "assistant" : String.valueOf(Json.text(data, "role"));
		MessageUsage usage = null;
		if (data != null && data.has("tokens")) {
			JsonNode tokens = data.get("tokens");
			usage = new MessageUsage(Json.number(tokens, "input"), Json.number(tokens, "output"),
					Json.number(tokens.get("cache"), "read"), Json.number(tokens.get("cache"), "write"),
					Json.number(tokens, "reasoning"), Json.decimal(data, "cost"));
		}
		return new SessionMessage(id, role, Instant.ofEpochMilli(created),
				data == null ? null : Json.text(data, "modelID"), parts, usage, null);
	}

	@Override
	public Optional<String> search(Path home, SessionSource source, String needle) throws IOException {
		if (JsonStorage.holds(source)) {
			return files.search(home, source, needle);
		}
		Optional<Path> database = database(home);
		if (database.isEmpty()) {
			return Optional.empty();
		}
		String escaped = Texts.jsonEscaped(needle);
		try (Connection connection = open(database.get(), true);
				PreparedStatement statement = connection.prepareStatement("SELECT data FROM part WHERE session_id = ? ORDER BY id")) {
			statement.setString(1, source.id());
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					String raw = rows.getString(1);
					if (raw == null || !Texts.mayContain(raw, needle, escaped)) {
						continue;
					}
					JsonNode part = Json.object(json, raw);
					for (MessagePart normal : part == null ? List.<MessagePart>of() : normalise(json, part)) {
						String snippet = Texts.snippet(normal.text(), needle);
						if (snippet != null) {
							return Optional.of(snippet);
						}
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new IOException("cannot search OpenCode parts: " + ex.getMessage(), ex);
		}
		return Optional.empty();
	}

	/**
	 * Deletes the session, its messages and parts (and what else references it, through OpenCode's cascades)
	 * from the database, then its JSON files if the older layout has it too (else the stale copy would be
	 * listed again).
	 */
	@Override
	public void delete(Path home, SessionSource source) throws IOException {
		if (!JsonStorage.holds(source)) {
			deleteRows(home, source);
		}
		files.delete(home, source.id());
	}

	private void deleteRows(Path home, SessionSource source) throws IOException {
		Path database = database(home).orElseThrow(() -> new java.nio.file.NoSuchFileException(DATABASE));
		try (Connection connection = open(database, false)) {
			try (Statement pragma = connection.createStatement()) {
				pragma.execute("PRAGMA foreign_keys = ON");
			}
			connection.setAutoCommit(false);
			for (String sql : List.of("DELETE FROM part WHERE session_id = ?", "DELETE FROM message WHERE session_id = ?",
					"DELETE FROM session WHERE id = ?")) {
				try (PreparedStatement statement = connection.prepareStatement(sql)) {
					statement.setString(1, source.id());
					statement.executeUpdate();
				}
			}
			connection.commit();
		}
		catch (SQLException ex) {
			throw new IOException("cannot delete the OpenCode session: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The database, with the number of messages as its size and their latest update as its mtime (one
	 * query): the database file's own size and mtime are no change check, since SQLite's write-ahead log
	 * comes and goes as connections open and close, readers' included.
	 */
	@Override
	public List<UsageFile> usageFiles(Path home) throws IOException {
		List<UsageFile> found = new ArrayList<>(2);
		Optional<Path> database = database(home);
		if (database.isPresent()) {
			found.add(databaseFile(database.get()));
		}
		files.usageFile(home).ifPresent(found::add);
		return found;
	}

	private UsageFile databaseFile(Path database) throws IOException {
		UsageFile file = UsageFile.of(database,
				Files.readAttributes(database, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
		try (Connection connection = open(database, true);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*), coalesce(max(time_updated), 0) FROM message")) {
			rows.next();
			return new UsageFile(file.file(), rows.getLong(1), rows.getLong(2), file.identity());
		}
		catch (SQLException ex) {
			throw new IOException("cannot read OpenCode messages: " + ex.getMessage(), ex);
		}
	}

	/**
	 * One entry per assistant message: its tokens and the cost OpenCode computed. A changed database (or JSON
	 * message folder) is read again by message, whole (a message's tokens are final only when it is; the keys
	 * keep each one once, a message in both layouts too), so its position stays at 0.
	 */
	@Override
	public UsageRead usage(Path home, String workspace, List<UsagePosition> from) throws IOException {
		Map<String, UsageEntry> entries = new java.util.LinkedHashMap<>();
		for (UsagePosition position : from) {
			Optional<Path> database = database(home);
			List<UsageEntry> read = database.isPresent() && position.file().file().equals(database.get())
					? messages(database.get(), workspace) : files.usage(home, workspace);
			read.forEach(entry -> entries.putIfAbsent(entry.dedupeKey(), entry));
		}
		List<UsagePosition> reached = from.stream().map(position -> UsagePosition.start(position.file())).toList();
		return new UsageRead(List.copyOf(entries.values()), reached);
	}

	private List<UsageEntry> messages(Path database, String workspace) throws IOException {
		List<UsageEntry> entries = new ArrayList<>();
		try (Connection connection = open(database, true);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, session_id, time_created, data FROM message ORDER BY time_created, id")) {
			while (rows.next()) {
				JsonNode data = Json.object(json, rows.getString(4));
				if (data == null || !"assistant".equals(Json.text(data, "role")) || !data.has("tokens")) {
					continue;
				}
				entries.add(usage(workspace, rows.getString(1), rows.getString(2), rows.getLong(3), data));
			}
		}
		catch (SQLException ex) {
			throw new IOException("cannot read OpenCode usage: " + ex.getMessage(), ex);
		}
		return entries;
	}

	/** The usage of one assistant message ({@code data} has {@code tokens}), keyed by its id in either layout. */
	static UsageEntry usage(String workspace, String messageId, String sessionId, long created, JsonNode data) {
		JsonNode tokens = data.get("tokens");
		JsonNode cache = tokens.get("cache");
		return new UsageEntry("opencode:" + messageId, workspace, Agent.OPENCODE, sessionId, null,
				Instant.ofEpochMilli(created), Json.text(data, "modelID"), Json.text(data, "providerID"),
				Json.number(tokens, "input"), Json.number(tokens, "output"), Json.number(cache, "read"),
				Json.number(cache, "write"), 0, Json.number(tokens, "reasoning"), Json.decimal(data, "cost"));
	}

	/**
	 * A page of history from the newest messages a running server answered ({@code {info, parts}}, up to
	 * {@code limit + 1} of them): the newest {@code limit}, and when there were more, the same cursor the
	 * database gives (the oldest message's creation time and id), so older pages are read from storage.
	 */
	public MessagePage page(List<JsonNode> answered, int limit) {
		List<JsonNode> items = new ArrayList<>(answered);
		items.sort(Comparator.<JsonNode>comparingLong(item -> Json.number(item.path("info").get("time"), "created"))
			.thenComparing(item -> String.valueOf(Json.text(item.path("info"), "id"))));
		boolean more = items.size() > limit;
		List<SessionMessage> messages = new ArrayList<>(limit);
		for (JsonNode item : items.subList(Math.max(0, items.size() - limit), items.size())) {
			JsonNode info = item.path("info");
			List<MessagePart> parts = new ArrayList<>();
			for (JsonNode part : item.path("parts")) {
				if (part.isObject()) {
					parts.addAll(normalise(json, part));
				}
			}
			messages.add(toMessage(String.valueOf(Json.text(info, "id")), Json.number(info.get("time"), "created"),
					info.isObject() ? info : null, parts));
		}
		SessionMessage oldest = messages.isEmpty() ? null : messages.get(0);
		return new MessagePage(messages, more && oldest != null && oldest.timestamp() != null
				? oldest.timestamp().toEpochMilli() + ":" + oldest.id() : null);
	}

	/**
	 * The indexed session with what a running server answers for it ({@code GET /session/{id}}): its title,
	 * directory and times as they are now (the index can be one refresh behind); the rest from the index.
	 */
	public static AgentSession live(AgentSession indexed, JsonNode info) {
		String title = Texts.oneLine(Json.text(info, "title"), Texts.TITLE);
		String directory = Json.text(info, "directory");
		JsonNode time = info.get("time");
		long created = Json.number(time, "created");
		long updated = Json.number(time, "updated");
		return new AgentSession(indexed.workspace(), indexed.agent(), indexed.id(), title != null ? title : indexed.title(),
				indexed.name(), directory != null ? directory : indexed.projectDirectory(), indexed.messageCount(),
				indexed.models(), created > 0 ? Instant.ofEpochMilli(created) : indexed.createdAt(),
				updated > 0 ? Instant.ofEpochMilli(Math.max(updated, indexed.updatedAt().toEpochMilli())) : indexed.updatedAt(),
				indexed.lastAccessedAt(), indexed.sizeBytes(), indexed.parseErrors());
	}

}
