package dev.perch.session.agent.codex;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import tools.jackson.databind.node.ObjectNode;

/**
 * Codex: {@code <home>/.codex/sessions/YYYY/MM/DD/rollout-<local time>-<uuid>.jsonl}. The first record is
 * {@code session_meta} (id, cwd); {@code turn_context} carries the model, which can change from turn to
 * turn; {@code response_item}s are the conversation; {@code event_msg/token_count} carries cumulative
 * totals. {@code codex exec resume} appends to the same file.
 */
@Component
public class CodexReader implements AgentReader {

	static final String SESSIONS = ".codex/sessions";

	private static final Pattern FILE = Pattern
		.compile("rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.jsonl");

	/** Context the harness injects as a user message ({@code <environment_context>}, {@code <user_instructions>}...). */
	private static final Pattern HARNESS = Pattern.compile("^\\s*<[A-Za-z_ -]{1,40}>.*", Pattern.DOTALL);

	private final JsonMapper json;

	private final int maxLine;

	public CodexReader(JsonMapper json, SessionProperties properties) {
		this.json = json;
		this.maxLine = properties.maxLineBytes();
	}

	@Override
	public Agent agent() {
		return Agent.CODEX;
	}

	@Override
	public List<SessionSource> sources(Path home) throws IOException {
		List<SessionSource> sources = new ArrayList<>();
		rollouts(home).forEach((id, file) -> sources.add(new SessionSource(id, file.file(), file.size(), file.modifiedMillis())));
		return sources;
	}

	/**
	 * Rollouts by session id (the first in path order when two name the same one): one walk of
	 * {@code sessions/YYYY/MM/DD} that reads each file's attributes once and never follows a link.
	 */
	private Map<String, UsageFile> rollouts(Path home) throws IOException {
		Optional<Path> root = HomePaths.directory(home, SESSIONS);
		if (root.isEmpty()) {
			return Map.of();
		}
		TreeMap<Path, UsageFile> found = new TreeMap<>();
		Files.walkFileTree(root.get(), EnumSet.noneOf(FileVisitOption.class), 4, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (attributes.isRegularFile() && FILE.matcher(file.getFileName().toString()).matches()) {
					found.put(file, UsageFile.of(file, attributes));
				}
				return FileVisitResult.CONTINUE;
			}

		});
		Map<String, UsageFile> rollouts = new LinkedHashMap<>();
		for (UsageFile file : found.values()) {
			Matcher name = FILE.matcher(file.file().getFileName().toString());
			if (name.matches()) {
				rollouts.putIfAbsent(name.group(1), file);
			}
		}
		return rollouts;
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
		int skipped = Lines.forward(file, Files.size(file), maxLine, (line, offset, terminated) -> summary.accept(line));
		summary.errors += skipped;
		return new SessionSummary(source, null, Texts.oneLine(summary.firstPrompt, Texts.TITLE), summary.cwd,
				summary.messages, List.copyOf(summary.models), summary.created, summary.last, summary.errors);
	}

	private final class Summary {

		@Nullable String cwd;

		@Nullable String firstPrompt;

		@Nullable Instant created;

		@Nullable Instant last;

		int messages;

		final Set<String> models = new LinkedHashSet<>();

		int errors;

		void accept(String line) {
			if (!Json.looksLikeObject(line)) {
				errors++;
				return;
			}
			if (!line.contains("\"session_meta\"") && !line.contains("\"turn_context\"") && !line.contains("\"response_item\"")) {
				Instant at = Json.instant(timestampOf(line));
				last = at != null && (last == null || at.isAfter(last)) ? at : last;
				return;
			}
			JsonNode record = Json.object(json, line);
			if (record == null) {
				errors++;
				return;
			}
			Instant at = Json.instant(Json.text(record, "timestamp"));
			last = at != null && (last == null || at.isAfter(last)) ? at : last;
			JsonNode payload = record.path("payload");
			switch (String.valueOf(Json.text(record, "type"))) {
				case "session_meta" -> {
					cwd = cwd == null ? Json.text(payload, "cwd") : cwd;
					Instant started = Json.instant(Json.text(payload, "timestamp"));
					created = created == null ? (started != null ? started : at) : created;
				}
				case "turn_context" -> {
					String model = Json.text(payload, "model");
					if (model != null) {
						models.add(model);
					}
				}
				case "response_item" -> {
					if ("message".equals(Json.text(payload, "type"))) {
						String role = Json.text(payload, "role");
						String text = messageText(payload);
						if ("assistant".equals(role)) {
							messages++;
						}
						else if ("user".equals(role) && text != null && !HARNESS.matcher(text).matches()) {
							messages++;
							firstPrompt = firstPrompt == null ? text : firstPrompt;
						}
					}
				}
				default -> {
				}
			}
			created = created == null ? at : created;
		}

	}

	private static final Pattern TIMESTAMP = Pattern.compile("^\\{\"timestamp\":\"([^\"]{10,40})\"");

	/** The leading {@code timestamp} of a record, without parsing the rest (Codex writes it first). */
	private static @Nullable String timestampOf(String line) {
		Matcher matcher = TIMESTAMP.matcher(line);
		return matcher.lookingAt() ? matcher.group(1) : null;
	}

	private static @Nullable String messageText(JsonNode payload) {
		JsonNode content = payload.get("content");
		if (content == null || !content.isArray()) {
			return null;
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode item : content) {
			String value = Json.text(item, "text");
			if (value != null) {
				text.append(text.isEmpty() ? "" : "\n").append(value);
			}
		}
		return text.isEmpty() ? null : text.toString();
	}

	@Override
	public MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		long size = Files.size(file);
		long end = size;
		if (before != null) {
			if (!before.matches("[0-9]{1,18}") || Long.parseLong(before) <= 0 || Long.parseLong(before) > size) {
				throw new IllegalArgumentException("not a history cursor");
			}
			end = Long.parseLong(before);
		}
		List<SessionMessage> newestFirst = new ArrayList<>();
		long[] oldest = { end };
		boolean[] more = { false };
		MessageUsage[] pending = { null };
		Lines.backward(file, end, maxLine, (line, offset) -> {
			if (line.contains("\"token_count\"")) {
				JsonNode record = Json.object(json, line);
				pending[0] = record == null ? pending[0] : lastUsage(record);
				return true;
			}
			if (!line.contains("\"response_item\"")) {
				return true;
			}
			JsonNode record = Json.object(json, line);
			SessionMessage message = record == null ? null : message(record, offset);
			if (message == null) {
				return true;
			}
			if (newestFirst.size() == limit) {
				more[0] = true;
				return false;
			}
			if (pending[0] != null && "assistant".equals(message.role())) {
				message = new SessionMessage(message.id(), message.role(), message.timestamp(), message.model(),
						message.parts(), pending[0], null);
				pending[0] = null;
			}
			newestFirst.add(message);
			oldest[0] = offset;
			return true;
		});
		List<SessionMessage> items = new ArrayList<>(newestFirst.size());
		newestFirst.forEach(message -> items.add(0, message));
		return new MessagePage(items, more[0] && oldest[0] > 0 ? Long.toString(oldest[0]) : null);
	}

	/** The usage of the last response of a {@code token_count} event, input without cached input. */
	private static @Nullable MessageUsage lastUsage(JsonNode record) {
		JsonNode last = record.path("payload").path("info").get("last_token_usage");
		if (last == null || !last.isObject()) {
			return null;
		}
		long cached = Json.number(last, "cached_input_tokens");
		return new MessageUsage(Json.number(last, "input_tokens") - cached, Json.number(last, "output_tokens"), cached,
				Json.number(last, "cache_write_input_tokens"), Json.number(last, "reasoning_output_tokens"), null);
	}

	private @Nullable SessionMessage message(JsonNode record, long offset) {
		JsonNode payload = record.path("payload");
		Instant at = Json.instant(Json.text(record, "timestamp"));
		String id = Json.text(payload, "id");
		String key = id != null ? id : "line-" + offset;
		switch (String.valueOf(Json.text(payload, "type"))) {
			case "message" -> {
				String role = Json.text(payload, "role");
				String text = messageText(payload);
				if (text == null || !("user".equals(role) || "assistant".equals(role))
						|| ("user".equals(role) && HARNESS.matcher(text).matches())) {
					return null;
				}
				return new SessionMessage(key, role, at, null, List.of(MessagePart.text("text", text, Texts.PART)), null, null);
			}
			case "reasoning" -> {
				StringBuilder text = new StringBuilder();
				for (JsonNode item : payload.path("summary")) {
					String value = Json.text(item, "text");
					text.append(value == null ? "" : value);
				}
				return new SessionMessage(key, "assistant", at, null,
						List.of(MessagePart.text("reasoning", text.toString(), Texts.PART)), null, null);
			}
			case "function_call", "custom_tool_call", "local_shell_call" -> {
				JsonNode input = payload.has("arguments") ? payload.get("arguments") : payload.get("input");
				return new SessionMessage(key, "assistant", at, null, List.of(MessagePart.tool("tool_call",
						Json.text(payload, "name"), Json.text(payload, "call_id"), Json.compact(json, input), Texts.TOOL)),
						null, null);
			}
			case "function_call_output", "custom_tool_call_output" -> {
				return new SessionMessage(key, "tool", at, null, List.of(MessagePart.tool("tool_result", null,
						Json.text(payload, "call_id"), Json.compact(json, payload.get("output")), Texts.TOOL)), null, null);
			}
			default -> {
				return null;
			}
		}
	}

	@Override
	public Optional<String> search(Path home, SessionSource source, String needle) throws IOException {
		Path file = HomePaths.requireFile(home, source.file());
		String escaped = Texts.jsonEscaped(needle);
		String[] found = new String[1];
		Lines.forward(file, Files.size(file), maxLine, (line, offset, terminated) -> {
			if (found[0] != null || !line.contains("\"response_item\"") || !Texts.mayContain(line, needle, escaped)) {
				return;
			}
			JsonNode record = Json.object(json, line);
			SessionMessage message = record == null ? null : message(record, offset);
			if (message != null) {
				for (MessagePart part : message.parts()) {
					String snippet = Texts.snippet(part.text(), needle);
					if (snippet != null) {
						found[0] = snippet;
						return;
					}
				}
			}
		});
		return Optional.ofNullable(found[0]);
	}

	@Override
	public void delete(Path home, SessionSource source) throws IOException {
		Files.deleteIfExists(HomePaths.requireFile(home, source.file()));
	}

	@Override
	public List<UsageFile> usageFiles(Path home) throws IOException {
		return List.copyOf(rollouts(home).values());
	}

	/**
	 * Per-response usage: the delta of each {@code token_count} total from the previous one in the file
	 * (re-emitted totals give no delta), credited to the model of the latest {@code turn_context}. The
	 * key is the turn id and the cumulative total, so a fork that copies its parent's events adds nothing.
	 * A file read on from an offset starts from the state reached there: the session, provider, model and
	 * turn seen so far and the last cumulative totals.
	 */
	@Override
	public UsageRead usage(Path home, String workspace, List<UsagePosition> from) throws IOException {
		Map<String, UsageEntry> byKey = new LinkedHashMap<>();
		List<UsagePosition> reached = new ArrayList<>(from.size());
		for (UsagePosition position : from) {
			Path file = HomePaths.requireFile(home, position.file().file());
			Totals restored = position.offset() > 0 ? Totals.restore(json, position.state()) : null;
			Totals totals = restored != null ? restored : new Totals(sessionIdOf(file));
			long start = restored != null ? position.offset() : 0; // deltas need the totals before the offset
			Lines.Stop stop = Lines.forward(file, start, position.file().size(), maxLine,
					(line, offset, terminated) -> {
						if (terminated && (line.contains("\"turn_context\"") || line.contains("\"token_count\"")
								|| line.contains("\"session_meta\""))) {
							JsonNode record = Json.object(json, line);
							UsageEntry entry = record == null ? null : totals.accept(record, workspace);
							if (entry != null) {
								byKey.putIfAbsent(entry.dedupeKey(), entry);
							}
						}
					});
			reached.add(new UsagePosition(position.file(), stop.next(), totals.save(json)));
		}
		List<UsageEntry> entries = new ArrayList<>(byKey.values());
		entries.sort(Comparator.comparing(UsageEntry::occurredAt).thenComparing(UsageEntry::dedupeKey));
		return new UsageRead(entries, reached);
	}

	/** The session id in a rollout's name (until its {@code session_meta} is read). */
	private static String sessionIdOf(Path file) {
		Matcher name = FILE.matcher(file.getFileName().toString());
		return name.matches() ? name.group(1) : file.getFileName().toString();
	}

	/** Running state of one rollout while its usage is read. */
	private static final class Totals {

		String sessionId;

		@Nullable String model;

		@Nullable String provider;

		@Nullable String turn;

		@Nullable JsonNode previous;

		Totals(String sessionId) {
			this.sessionId = sessionId;
		}

		/** The state as JSON, to go on reading the file later from where this read stopped. */
		String save(JsonMapper json) {
			ObjectNode state = json.createObjectNode();
			state.put("sessionId", sessionId);
			state.put("model", model);
			state.put("provider", provider);
			state.put("turn", turn);
			if (previous != null) {
				state.set("previous", previous);
			}
			return json.writeValueAsString(state);
		}

		/** A state {@link #save saved} earlier; null when there is none or it cannot be read. */
		static @Nullable Totals restore(JsonMapper json, @Nullable String saved) {
			JsonNode state = saved == null ? null : Json.object(json, saved);
			if (state == null || Json.text(state, "sessionId") == null) {
				return null;
			}
			Totals totals = new Totals(String.valueOf(Json.text(state, "sessionId")));
			totals.model = Json.text(state, "model");
			totals.provider = Json.text(state, "provider");
			totals.turn = Json.text(state, "turn");
			JsonNode previous = state.get("previous");
			totals.previous = previous != null && previous.isObject() ? previous : null;
			return totals;
		}

		@Nullable UsageEntry accept(JsonNode record, String workspace) {
			JsonNode payload = record.path("payload");
			String type = String.valueOf(Json.text(record, "type"));
			if ("session_meta".equals(type)) {
				String id = Json.text(payload, "id");
				sessionId = id != null ? id : sessionId;
				provider = Json.text(payload, "model_provider");
				return null;
			}
			if ("turn_context".equals(type)) {
				String next = Json.text(payload, "model");
				model = next != null ? next : model;
				turn = Json.text(payload, "turn_id");
				return null;
			}
			if (!"event_msg".equals(type) || !"token_count".equals(Json.text(payload, "type"))) {
				return null;
			}
			JsonNode total = payload.path("info").get("total_token_usage");
			Instant at = Json.instant(Json.text(record, "timestamp"));
			if (total == null || !total.isObject() || at == null) {
				return null;
			}
			long input = delta(total, "input_tokens");
			long cached = delta(total, "cached_input_tokens");
			long output = delta(total, "output_tokens");
			long reasoning = delta(total, "reasoning_output_tokens");
			long cacheWrite = delta(total, "cache_write_input_tokens");
			previous = total;
			if (input == 0 && cached == 0 && output == 0 && reasoning == 0 && cacheWrite == 0) {
				return null;
			}
			String key = "codex:" + (turn != null ? turn : sessionId) + ":" + Json.number(total, "total_tokens") + ":"
					+ Json.number(total, "input_tokens") + ":" + Json.number(total, "output_tokens");
			return new UsageEntry(key, workspace, Agent.CODEX, sessionId, null, at, model, provider, input - cached, output,
					cached, cacheWrite, 0, reasoning, null);
		}

		private long delta(JsonNode total, String field) {
			return Json.number(total, field) - Json.number(previous, field);
		}

	}

}
