package dev.perch.session.agent.claude;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.perch.session.Agent;
import dev.perch.session.MessagePage;
import dev.perch.session.MessagePart;
import dev.perch.session.MessageUsage;
import dev.perch.session.SessionMessage;
import dev.perch.session.UsageEntry;
import dev.perch.session.agent.HomePaths;
import dev.perch.session.agent.Json;
import dev.perch.session.agent.Lines;
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
 * Claude Code: {@code <home>/.claude/projects/<encoded cwd>/<session uuid>.jsonl}, one JSON record a line.
 * The project directory is the {@code cwd} of the records (the folder name is a lossy encoding). An
 * assistant message is written as one line per content block, all with the same {@code message.id} and
 * {@code requestId}: they are one message. Subagents write {@code <session>/subagents/agent-*.jsonl},
 * part of their parent's history. A fork is its own file starting with copies of the parent's lines.
 */
@Component
public class ClaudeReader implements AgentReader {

	static final String PROJECTS = ".claude/projects";

	private static final String USER = "\"type\":\"user\"";

	private static final String ASSISTANT = "\"type\":\"assistant\"";

	private static final String TITLE = "\"type\":\"custom-title\"";

	/** Subagent messages shown in one history page at most (a page's time window could hold many). */
	private static final int MAX_SUBAGENT_MESSAGES = 500;

	private final JsonMapper json;

	private final int maxLine;

	public ClaudeReader(JsonMapper json, SessionProperties properties) {
		this.json = json;
		this.maxLine = properties.maxLineBytes();
	}

	@Override
	public Agent agent() {
		return Agent.CLAUDE;
	}

	@Override
	public List<SessionSource> sources(Path home) throws IOException {
		List<SessionSource> sources = new ArrayList<>();
		for (Transcript transcript : transcripts(home)) {
			long size = transcript.attributes().size();
			long modified = transcript.attributes().lastModifiedTime().toMillis();
			for (UsageFile subagent : transcript.subagents()) {
				size += subagent.size();
				modified = Math.max(modified, subagent.modifiedMillis());
			}
			// size and mtime cover the subagent files too, so a subagent's progress re-indexes the parent
			sources.add(new SessionSource(transcript.id(), transcript.file(), size, modified));
		}
		return sources;
	}

	/** A main transcript ({@code projects/<folder>/<session id>.jsonl}) and its subagent files, in path order. */
	private record Transcript(String id, Path file, BasicFileAttributes attributes, List<UsageFile> subagents) {
	}

	/**
	 * Every main transcript, the first one found per session id, with its subagent files: one walk of
	 * {@code projects/} that reads each file's attributes once and never follows a link.
	 */
	private List<Transcript> transcripts(Path home) throws IOException {
		Optional<Path> projects = HomePaths.directory(home, PROJECTS);
		if (projects.isEmpty()) {
			return List.of();
		}
		Path root = projects.get();
		List<Map.Entry<Path, BasicFileAttributes>> mains = new ArrayList<>();
		Map<Path, List<UsageFile>> subagents = new HashMap<>();
		Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 4, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
				int depth = directory.equals(root) ? 0 : root.relativize(directory).getNameCount();
				String name = directory.getFileName().toString();
				boolean wanted = depth <= 1 || (depth == 2 && isValidId(name)) || (depth == 3 && name.equals("subagents"));
				return wanted ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				int depth = root.relativize(file).getNameCount();
				String name = file.getFileName().toString();
				if (!attributes.isRegularFile() || !name.endsWith(".jsonl")) {
					return FileVisitResult.CONTINUE;
				}
				if (depth == 2) {
					mains.add(Map.entry(file, attributes));
				}
				else if (depth == 4 && name.startsWith("agent-")) {
					subagents.computeIfAbsent(file.getParent().getParent(), key -> new ArrayList<>())
						.add(UsageFile.of(file, attributes));
				}
				return FileVisitResult.CONTINUE;
			}

		});
		List<Transcript> transcripts = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (Map.Entry<Path, BasicFileAttributes> main : mains) {
			String id = main.getKey().getFileName().toString().replaceFirst("\\.jsonl$", "");
			if (isValidId(id) && seen.add(id)) {
				List<UsageFile> own = new ArrayList<>(subagents.getOrDefault(main.getKey().resolveSibling(id), List.of()));
				own.sort(Comparator.comparing(UsageFile::file));
				transcripts.add(new Transcript(id, main.getKey(), main.getValue(), own));
			}
		}
		return transcripts;
	}

	private static List<Path> subagentFiles(Path file, String id) throws IOException {
		Path directory = file.resolveSibling(id).resolve("subagents");
		if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			return List.of();
		}
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "agent-*.jsonl")) {
			for (Path subagent : stream) {
				if (Files.isRegularFile(subagent, LinkOption.NOFOLLOW_LINKS)) {
					files.add(subagent);
				}
			}
		}
		files.sort(Comparator.naturalOrder());
		return files;
	}

	@Override
	public List<SessionSummary> summarize(Path home, List<SessionSource> sources) throws IOException {
		List<SessionSummary> summaries = new ArrayList<>(sources.size());
		for (SessionSource source : sources) {
			summaries.add(summarize(home, source));
		}
		return summaries;
	}

	private SessionSummary summarize(Path home, SessionSource source) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		Summary summary = new Summary();
		int skipped = Lines.forward(file, Files.size(file), maxLine, (line, offset, terminated) -> summary.accept(line, false));
		for (Path subagent : subagentFiles(file, source.id())) {
			skipped += Lines.forward(HomePaths.requireFile(home, subagent), Files.size(subagent), maxLine,
					(line, offset, terminated) -> summary.accept(line, true));
		}
		summary.errors += skipped;
		return new SessionSummary(source, Texts.oneLine(summary.title, Texts.TITLE),
				Texts.oneLine(summary.firstPrompt, Texts.TITLE), summary.cwd, summary.userMessages + summary.assistantKeys.size(),
				List.copyOf(summary.models), summary.first, summary.last == null ? summary.first : summary.last,
				summary.errors);
	}

	/** What {@link #summarize} collects while streaming a transcript. */
	private final class Summary {

		@Nullable String title;

		@Nullable String firstPrompt;

		@Nullable String cwd;

		int userMessages;

		final Set<String> assistantKeys = new HashSet<>();

		final Set<String> models = new LinkedHashSet<>();

		@Nullable Instant first;

		@Nullable Instant last;

		int errors;

		void accept(String line, boolean subagent) {
			if (!Json.looksLikeObject(line)) {
				errors++;
				return;
			}
			boolean title = line.contains(TITLE);
			if (!title && !line.contains(USER) && !line.contains(ASSISTANT)) {
				return;
			}
			JsonNode record = Json.object(json, line);
			if (record == null) {
				errors++;
				return;
			}
			String type = Json.text(record, "type");
			if ("custom-title".equals(type)) {
				String custom = Json.text(record, "customTitle");
				this.title = custom != null && !custom.isBlank() ? custom : this.title;
				return;
			}
			JsonNode message = record.get("message");
			if (message == null || !message.isObject() || record.path("isMeta").asBoolean(false)) {
				return;
			}
			if (cwd == null && !subagent) {
				cwd = Json.text(record, "cwd");
			}
			Instant at = Json.instant(Json.text(record, "timestamp"));
			if (at != null) {
				first = first == null || at.isBefore(first) ? at : first;
				last = last == null || at.isAfter(last) ? at : last;
			}
			if ("assistant".equals(type)) {
				assistantKeys.add(messageKey(record, message));
				String model = Json.text(message, "model");
				if (model != null && !model.startsWith("<")) {
					models.add(model);
				}
			}
			else if ("user".equals(type)) {
				userMessages++;
				if (firstPrompt == null && !subagent) {
					firstPrompt = promptText(message.get("content"));
				}
			}
		}

	}

	private static String messageKey(JsonNode record, JsonNode message) {
		String id = Json.text(message, "id");
		String request = Json.text(record, "requestId");
		if (id == null) {
			return "line:" + Json.text(record, "uuid");
		}
		return id + ":" + request;
	}

	/** The text a user typed (not tool results, not harness reminders), or null. */
	private static @Nullable String promptText(@Nullable JsonNode content) {
		if (content == null) {
			return null;
		}
		if (content.isString()) {
			return prompt(content.stringValue());
		}
		if (content.isArray()) {
			for (JsonNode block : content) {
				if ("text".equals(Json.text(block, "type"))) {
					String text = prompt(Json.text(block, "text"));
					if (text != null) {
						return text;
					}
				}
			}
		}
		return null;
	}

	private static @Nullable String prompt(@Nullable String text) {
		if (text == null || text.isBlank() || text.startsWith("<system-reminder>") || text.startsWith("<command-")
				|| text.startsWith("<local-command") || text.startsWith("Caveat:")) {
			return null;
		}
		return text;
	}

	@Override
	public MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		Cursor cursor = Cursor.parse(before, Files.size(file));
		Page page = new Page(limit);
		Lines.backward(file, cursor.offset, maxLine, page::accept);
		List<SessionMessage> main = page.messagesOldestFirst();
		boolean more = page.reachedLimit && page.oldestOffset > 0;
		Instant lower = more && !main.isEmpty() && main.get(0).timestamp() != null ? main.get(0).timestamp() : null;
		List<SessionMessage> merged = withSubagents(home, file, source.id(), main, lower, cursor.upper);
		String next = more ? page.oldestOffset + ":" + (lower == null ? "" : lower.toEpochMilli()) : null;
		return new MessagePage(merged, next);
	}

	/** A history cursor: read backwards from {@code offset}; subagent messages must be older than {@code upper}. */
	private record Cursor(long offset, @Nullable Instant upper) {

		static Cursor parse(@Nullable String before, long size) {
			if (before == null) {
				return new Cursor(size, null);
			}
			String[] parts = before.split(":", -1);
			if (parts.length != 2 || !parts[0].matches("[0-9]{1,18}") || !parts[1].matches("[0-9]{0,18}")) {
				throw new IllegalArgumentException("not a history cursor");
			}
			long offset = Long.parseLong(parts[0]);
			if (offset <= 0 || offset > size) {
				throw new IllegalArgumentException("cursor outside the file");
			}
			return new Cursor(offset, parts[1].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(parts[1])));
		}

	}

	/** Messages collected while reading backwards; an assistant message's lines are merged by message id + request id. */
	private final class Page {

		private final int limit;

		private final LinkedHashMap<String, Draft> drafts = new LinkedHashMap<>();

		long oldestOffset = Long.MAX_VALUE;

		boolean reachedLimit;

		Page(int limit) {
			this.limit = limit;
		}

		boolean accept(String line, long offset) {
			if (!line.contains(USER) && !line.contains(ASSISTANT)) {
				return true;
			}
			JsonNode record = Json.object(json, line);
			Draft draft = record == null ? null : draft(record, null);
			if (draft == null) {
				return true;
			}
			Draft existing = drafts.get(draft.key);
			if (existing != null) {
				existing.parts.addAll(0, draft.parts);
				existing.timestamp = draft.timestamp != null ? draft.timestamp : existing.timestamp;
				oldestOffset = offset;
				return true;
			}
			if (drafts.size() == limit) {
				reachedLimit = true;
				return false;
			}
			drafts.put(draft.key, draft);
			oldestOffset = offset;
			return true;
		}

		List<SessionMessage> messagesOldestFirst() {
			List<SessionMessage> messages = new ArrayList<>(drafts.size());
			drafts.values().forEach(draft -> messages.add(0, draft.toMessage()));
			return messages;
		}

	}

	/** A message being assembled from one or more lines. */
	private static final class Draft {

		final String key;

		final String id;

		final String role;

		@Nullable Instant timestamp;

		final @Nullable String model;

		final List<MessagePart> parts;

		final @Nullable MessageUsage usage;

		final @Nullable String agentId;

		Draft(String key, String id, String role, @Nullable Instant timestamp, @Nullable String model,
				List<MessagePart> parts, @Nullable MessageUsage usage, @Nullable String agentId) {
			this.key = key;
			this.id = id;
			this.role = role;
			this.timestamp = timestamp;
			this.model = model;
			this.parts = parts;
			this.usage = usage;
			this.agentId = agentId;
		}

		SessionMessage toMessage() {
			return new SessionMessage(id, role, timestamp, model, List.copyOf(parts), usage, agentId);
		}

	}

	/** The normalised message of one transcript line, or null for lines that are not messages. */
	private @Nullable Draft draft(JsonNode record, @Nullable String agentId) {
		String type = Json.text(record, "type");
		JsonNode message = record.get("message");
		if (message == null || !message.isObject() || record.path("isMeta").asBoolean(false)
				|| !("user".equals(type) || "assistant".equals(type))) {
			return null;
		}
		Instant at = Json.instant(Json.text(record, "timestamp"));
		List<MessagePart> parts = parts(message.get("content"));
		if ("assistant".equals(type)) {
			String key = messageKey(record, message);
			String id = Json.text(message, "id");
			return new Draft("a:" + key, id != null ? id : String.valueOf(Json.text(record, "uuid")), "assistant", at,
					Json.text(message, "model"), parts, usage(message.get("usage")), agentId);
		}
		boolean toolResults = !parts.isEmpty() && parts.stream().allMatch(part -> "tool_result".equals(part.type()));
		String uuid = String.valueOf(Json.text(record, "uuid"));
		return new Draft("u:" + uuid, uuid, toolResults ? "tool" : "user", at, null, parts, null, agentId);
	}

	private List<MessagePart> parts(@Nullable JsonNode content) {
		List<MessagePart> parts = new ArrayList<>();
		if (content == null) {
			return parts;
		}
		if (content.isString()) {
			parts.add(MessagePart.text("text", content.stringValue(), Texts.PART));
			return parts;
		}
		for (JsonNode block : content) {
			String type = String.valueOf(Json.text(block, "type"));
			switch (type) {
				case "text" -> parts.add(MessagePart.text("text", String.valueOf(Json.text(block, "text")), Texts.PART));
				case "thinking" -> parts.add(MessagePart.text("reasoning", String.valueOf(Json.text(block, "thinking")), Texts.PART));
				case "tool_use" -> parts.add(MessagePart.tool("tool_call", Json.text(block, "name"), Json.text(block, "id"),
						Json.compact(json, block.get("input")), Texts.TOOL));
				case "tool_result" -> parts.add(MessagePart.tool("tool_result", null, Json.text(block, "tool_use_id"),
						toolResultText(block.get("content")), Texts.TOOL));
				default -> {
				}
			}
		}
		return parts;
	}

	private String toolResultText(@Nullable JsonNode content) {
		if (content == null) {
			return "";
		}
		if (content.isString()) {
			return content.stringValue();
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode block : content) {
			String value = Json.text(block, "text");
			if (value != null) {
				text.append(value);
			}
			if (text.length() > Texts.TOOL) {
				break;
			}
		}
		return text.toString();
	}

	private static @Nullable MessageUsage usage(@Nullable JsonNode usage) {
		if (usage == null || !usage.isObject()) {
			return null;
		}
		return new MessageUsage(Json.number(usage, "input_tokens"), Json.number(usage, "output_tokens"),
				Json.number(usage, "cache_read_input_tokens"), Json.number(usage, "cache_creation_input_tokens"), 0, null);
	}

	/** Adds the subagent messages of the page's time window {@code [lower, upper)} in timestamp order. */
	private List<SessionMessage> withSubagents(Path home, Path file, String id, List<SessionMessage> main,
			@Nullable Instant lower, @Nullable Instant upper) throws IOException {
		List<Path> subagents = subagentFiles(file, id);
		if (subagents.isEmpty()) {
			return main;
		}
		List<SessionMessage> extra = new ArrayList<>();
		for (Path subagent : subagents) {
			String agentId = subagent.getFileName().toString().replaceFirst("^agent-", "").replaceFirst("\\.jsonl$", "");
			Map<String, Draft> drafts = new LinkedHashMap<>();
			Lines.forward(HomePaths.requireFile(home, subagent), Files.size(subagent), maxLine, (line, offset, terminated) -> {
				if (drafts.size() >= MAX_SUBAGENT_MESSAGES || (!line.contains(USER) && !line.contains(ASSISTANT))) {
					return;
				}
				JsonNode record = Json.object(json, line);
				Draft draft = record == null ? null : draft(record, agentId);
				if (draft == null || draft.timestamp == null || (lower != null && draft.timestamp.isBefore(lower))
						|| (upper != null && !draft.timestamp.isBefore(upper))) {
					return;
				}
				Draft existing = drafts.get(draft.key);
				if (existing != null) {
					existing.parts.addAll(draft.parts);
				}
				else {
					drafts.put(draft.key, draft);
				}
			});
			drafts.values().forEach(draft -> extra.add(draft.toMessage()));
		}
		List<SessionMessage> merged = new ArrayList<>(main);
		for (SessionMessage message : extra) {
			int at = merged.size();
			while (at > 0 && merged.get(at - 1).timestamp() != null
					&& merged.get(at - 1).timestamp().isAfter(message.timestamp())) {
				at--;
			}
			merged.add(at, message);
		}
		return merged;
	}

	@Override
	public Optional<String> search(Path home, SessionSource source, String needle) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		List<Path> files = new ArrayList<>();
		files.add(file);
		files.addAll(subagentFiles(file, source.id()));
		String escaped = Texts.jsonEscaped(needle);
		for (Path each : files) {
			String[] found = new String[1];
			Lines.forward(HomePaths.requireFile(home, each), Files.size(each), maxLine, (line, offset, terminated) -> {
				if (found[0] != null || !Texts.mayContain(line, needle, escaped)
						|| (!line.contains(USER) && !line.contains(ASSISTANT))) {
					return;
				}
				JsonNode record = Json.object(json, line);
				Draft draft = record == null ? null : draft(record, null);
				if (draft != null) {
					for (MessagePart part : draft.parts) {
						String snippet = Texts.snippet(part.text(), needle);
						if (snippet != null) {
							found[0] = snippet;
							return;
						}
					}
				}
			});
			if (found[0] != null) {
				return Optional.of(found[0]);
			}
		}
		return Optional.empty();
	}

	@Override
	public void delete(Path home, SessionSource source) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		Path companion = file.resolveSibling(source.id());
		if (Files.isDirectory(companion, LinkOption.NOFOLLOW_LINKS)) {
			HomePaths.deleteTree(home, companion);
		}
		Files.deleteIfExists(file);
	}

	/** Every main transcript, each followed by its subagent files (whose requests count toward the session). */
	@Override
	public List<UsageFile> usageFiles(Path home) throws IOException {
		List<UsageFile> files = new ArrayList<>();
		for (Transcript transcript : transcripts(home)) {
			files.add(UsageFile.of(transcript.file(), transcript.attributes()));
			files.addAll(transcript.subagents());
		}
		return files;
	}

	/**
	 * Each line carries its own session ({@code sessionId}, {@code requestSessionId}; a subagent's lines
	 * the parent's {@code sessionId}), so a file is read on from its offset with no other state.
	 */
	@Override
	public UsageRead usage(Path home, String workspace, List<UsagePosition> from) throws IOException {
		Map<String, UsageEntry> byKey = new HashMap<>();
		Map<String, Boolean> fromCopy = new HashMap<>();
		List<UsagePosition> reached = new ArrayList<>(from.size());
		for (UsagePosition position : from) {
			Path file = HomePaths.requireFile(home, position.file().file());
			Lines.Stop stop = Lines.forward(file, position.offset(), position.file().size(), maxLine,
					(line, offset, terminated) -> {
						if (terminated && line.contains(ASSISTANT) && line.contains("\"usage\"")) {
							JsonNode record = Json.object(json, line);
							if (record != null) {
								collect(record, workspace, byKey, fromCopy);
							}
						}
					});
			reached.add(new UsagePosition(position.file(), stop.next(), null));
		}
		List<UsageEntry> entries = new ArrayList<>(byKey.values());
		entries.sort(Comparator.comparing(UsageEntry::occurredAt).thenComparing(UsageEntry::dedupeKey));
		return new UsageRead(entries, reached);
	}

	/**
	 * Keeps one entry per message id + request id: the larger totals when a key repeats (streamed lines),
	 * the earliest timestamp, and the session of the original writer ({@code requestSessionId} on a fork's copy).
	 */
	private void collect(JsonNode record, String workspace, Map<String, UsageEntry> byKey, Map<String, Boolean> fromCopy) {
		JsonNode message = record.get("message");
		if (!"assistant".equals(Json.text(record, "type")) || message == null || !message.has("usage")) {
			return;
		}
		String model = Json.text(message, "model");
		Instant at = Json.instant(Json.text(record, "timestamp"));
		String sessionId = Json.text(record, "sessionId");
		if (at == null || sessionId == null || (model != null && model.startsWith("<"))) {
			return;
		}
		String requestSession = Json.text(record, "requestSessionId");
		boolean copy = requestSession != null && !requestSession.equals(sessionId);
		String credited = requestSession != null ? requestSession : sessionId;
		JsonNode usage = message.get("usage");
		long cacheWrite = Json.number(usage, "cache_creation_input_tokens");
		JsonNode split = usage.get("cache_creation");
		long oneHour = split != null ? Json.number(split, "ephemeral_1h_input_tokens") : 0;
		long fiveMinutes = split != null ? Json.number(split, "ephemeral_5m_input_tokens") : cacheWrite;
		if (split != null && fiveMinutes + oneHour != cacheWrite) {
			fiveMinutes = cacheWrite - oneHour;
		}
		String key = "claude:" + messageKey(record, message);
		String subagent = record.path("isSidechain").asBoolean(false) ? Json.text(record, "agentId") : null;
		UsageEntry entry = new UsageEntry(key, workspace, Agent.CLAUDE, credited, subagent, at, model, "anthropic",
				Json.number(usage, "input_tokens"), Json.number(usage, "output_tokens"),
				Json.number(usage, "cache_read_input_tokens"), fiveMinutes, oneHour, 0, null);
		UsageEntry previous = byKey.get(key);
		if (previous == null) {
			byKey.put(key, entry);
			fromCopy.put(key, copy);
			return;
		}
		boolean larger = total(entry) > total(previous);
		UsageEntry kept = larger ? entry : previous;
		Instant earliest = entry.occurredAt().isBefore(previous.occurredAt()) ? entry.occurredAt() : previous.occurredAt();
		boolean preferThis = fromCopy.get(key) && !copy;
		String session = preferThis ? entry.sessionId() : previous.sessionId();
		String subagentId = preferThis ? entry.subagentId() : previous.subagentId();
		byKey.put(key, new UsageEntry(key, workspace, Agent.CLAUDE, session, subagentId, earliest, kept.model(),
				kept.provider(), kept.input(), kept.output(), kept.cacheRead(), kept.cacheWrite5m(), kept.cacheWrite1h(), 0,
				null));
		fromCopy.put(key, fromCopy.get(key) && copy);
	}

	private static long total(UsageEntry entry) {
		return entry.input() + entry.output() + entry.cacheRead() + entry.cacheWrite5m() + entry.cacheWrite1h();
	}

}
