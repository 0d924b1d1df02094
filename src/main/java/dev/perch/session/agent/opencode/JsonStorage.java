package dev.perch.session.agent.opencode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.perch.session.Agent;
import dev.perch.session.MessagePage;
import dev.perch.session.MessagePart;
import dev.perch.session.SessionMessage;
import dev.perch.session.UsageEntry;
import dev.perch.session.agent.HomePaths;
import dev.perch.session.agent.Json;
import dev.perch.session.agent.Texts;
import dev.perch.session.internal.SessionSource;
import dev.perch.session.internal.SessionSummary;
import dev.perch.session.internal.UsageFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenCode's storage before SQLite (1.1.x and older, verified with 1.1.65): one JSON file per record under
 * {@code <home>/.local/share/opencode/storage}: {@code session/<projectID>/<sessionID>.json} (title,
 * directory, time), {@code message/<sessionID>/<messageID>.json} (the same {@code data} the SQLite
 * {@code message} table has) and {@code part/<messageID>/<partID>.json}. OpenCode's ids are ascending in
 * time, so file names sort messages and parts in order without opening them. Every file is a small JSON
 * object; one larger than {@code maxFile} is skipped and counted like an unreadable line.
 */
final class JsonStorage {

	static final String ROOT = ".local/share/opencode/storage";

	private static final Pattern MESSAGE = Pattern.compile("msg_[A-Za-z0-9]{1,60}");

	private static final Pattern PART = Pattern.compile("prt_[A-Za-z0-9]{1,60}");

	private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private final JsonMapper json;

	private final long maxFile;

	JsonStorage(JsonMapper json, long maxFile) {
		this.json = json;
		this.maxFile = maxFile;
	}

	static boolean holds(SessionSource source) {
		return !source.file().getFileName().toString().equals("opencode.db");
	}

	/**
	 * One source per session file: its size plus the number of its message files as the size, the latest
	 * mtime of the session file and its newest message file as the mtime (directory listings and stats only).
	 */
	List<SessionSource> sources(Path home) throws IOException {
		Optional<Path> sessions = HomePaths.directory(home, ROOT + "/session");
		if (sessions.isEmpty()) {
			return List.of();
		}
		List<SessionSource> sources = new ArrayList<>();
		for (Path project : children(sessions.get(), PROJECT.asMatchPredicate(), "")) {
			if (!Files.isDirectory(project, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			for (Path file : children(project, Agent.OPENCODE::isValidId, ".json")) {
				if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !HomePaths.inside(home, file)) {
					continue;
				}
				String id = name(file, ".json");
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
				List<Path> messages = messageFiles(home, id);
				long modified = attributes.lastModifiedTime().toMillis();
				if (!messages.isEmpty()) {
					modified = Math.max(modified, Files.getLastModifiedTime(messages.get(messages.size() - 1), LinkOption.NOFOLLOW_LINKS).toMillis());
				}
				sources.add(new SessionSource(id, file, attributes.size() + messages.size(), modified));
			}
		}
		return sources;
	}

	SessionSummary summarize(Path home, SessionSource source) throws IOException {
		JsonNode session = read(home, source.file());
		int errors = session == null ? 1 : 0;
		int count = 0;
		Set<String> models = new LinkedHashSet<>();
		String firstPrompt = null;
		for (Path file : messageFiles(home, source.id())) {
			JsonNode data = read(home, file);
			if (data == null) {
				errors++;
				continue;
			}
			count++;
			String role = Json.text(data, "role");
			String model = Json.text(data, "modelID");
			if ("assistant".equals(role) && model != null) {
				models.add(model);
			}
			if (firstPrompt == null && "user".equals(role)) {
				firstPrompt = firstText(home, name(file, ".json"));
			}
		}
		JsonNode time = session == null ? null : session.path("time");
		Instant created = Instant.ofEpochMilli(Json.number(time, "created"));
		Instant updated = Instant.ofEpochMilli(Math.max(Json.number(time, "updated"), Json.number(time, "created")));
		return new SessionSummary(source, session == null ? null : Texts.oneLine(Json.text(session, "title"), Texts.TITLE),
				Texts.oneLine(firstPrompt, Texts.TITLE), session == null ? null : Json.text(session, "directory"), count,
				List.copyOf(models), created, updated, errors);
	}

	private @Nullable String firstText(Path home, String messageId) throws IOException {
		for (Path file : partFiles(home, messageId)) {
			JsonNode part = read(home, file);
			if (part != null && "text".equals(Json.text(part, "type")) && !part.path("synthetic").asBoolean(false)) {
				return Json.text(part, "text");
			}
		}
		return null;
	}

	/** The messages before the message {@code before} (an id; null: the tail), ordered by id. */
	MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException {
		if (before != null && !MESSAGE.matcher(before).matches()) {
			throw new IllegalArgumentException("not a history cursor");
		}
		HomePaths.requireFile(home, source.file());
		List<Path> files = messageFiles(home, source.id());
		int end = files.size();
		if (before != null) {
			end = 0;
			while (end < files.size() && name(files.get(end), ".json").compareTo(before) < 0) {
				end++;
			}
		}
		int start = Math.max(0, end - limit);
		List<SessionMessage> items = new ArrayList<>(end - start);
		for (Path file : files.subList(start, end)) {
			String id = name(file, ".json");
			JsonNode data = read(home, file);
			List<MessagePart> parts = new ArrayList<>();
			for (Path partFile : partFiles(home, id)) {
				JsonNode part = read(home, partFile);
				if (part != null) {
					parts.addAll(OpenCodeReader.normalise(json, part));
				}
			}
			long created = data == null ? 0 : Json.number(data.get("time"), "created");
			items.add(OpenCodeReader.toMessage(id, created, data, parts));
		}
		return new MessagePage(items, start > 0 ? name(files.get(start), ".json") : null);
	}

	Optional<String> search(Path home, SessionSource source, String needle) throws IOException {
		String escaped = Texts.jsonEscaped(needle);
		for (Path message : messageFiles(home, source.id())) {
			for (Path file : partFiles(home, name(message, ".json"))) {
				String raw = raw(home, file);
				if (raw == null || !Texts.mayContain(raw, needle, escaped)) {
					continue;
				}
				JsonNode part = Json.object(json, raw);
				for (MessagePart normal : part == null ? List.<MessagePart>of() : OpenCodeReader.normalise(json, part)) {
					String snippet = Texts.snippet(normal.text(), needle);
					if (snippet != null) {
						return Optional.of(snippet);
					}
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Deletes the session's files: its parts, messages, diff and session file (never following a link). A
	 * session only in SQLite has none: nothing happens.
	 */
	void delete(Path home, String id) throws IOException {
		Optional<Path> root = HomePaths.directory(home, ROOT);
		if (root.isEmpty()) {
			return;
		}
		for (Path message : messageFiles(home, id)) {
			deleteInside(home, root.get().resolve("part").resolve(name(message, ".json")));
		}
		deleteInside(home, root.get().resolve("message").resolve(id));
		deleteInside(home, root.get().resolve("session_diff").resolve(id + ".json"));
		deleteInside(home, root.get().resolve("todo").resolve(id + ".json"));
		Optional<Path> sessions = HomePaths.directory(home, ROOT + "/session");
		if (sessions.isPresent()) {
			for (Path project : children(sessions.get(), PROJECT.asMatchPredicate(), "")) {
				deleteInside(home, project.resolve(id + ".json"));
			}
		}
	}

	/** Deletes {@code target} when it exists and, every link on the way resolved, lies inside the home. */
	private static void deleteInside(Path home, Path target) throws IOException {
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && HomePaths.inside(home, target)) {
			HomePaths.deleteTree(home, target);
		}
	}

	/**
	 * The message folder as one usage file: the number of message files as its size, the newest of their
	 * mtimes as its mtime (stats only). Empty without one.
	 */
	Optional<UsageFile> usageFile(Path home) throws IOException {
		Optional<Path> messages = HomePaths.directory(home, ROOT + "/message");
		if (messages.isEmpty()) {
			return Optional.empty();
		}
		long count = 0;
		long newest = 0;
		for (Path session : children(messages.get(), Agent.OPENCODE::isValidId, "")) {
			for (Path file : messageFiles(home, name(session, ""))) {
				count++;
				newest = Math.max(newest, Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis());
			}
		}
		UsageFile folder = UsageFile.of(messages.get(),
				Files.readAttributes(messages.get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
		return Optional.of(new UsageFile(folder.file(), count, newest, folder.identity()));
	}

	/** One entry per assistant message with tokens, keyed like the SQLite reader's (a migrated message is the same key). */
	List<UsageEntry> usage(Path home, String workspace) throws IOException {
		Optional<Path> messages = HomePaths.directory(home, ROOT + "/message");
		if (messages.isEmpty()) {
			return List.of();
		}
		List<UsageEntry> entries = new ArrayList<>();
		for (Path session : children(messages.get(), Agent.OPENCODE::isValidId, "")) {
			for (Path file : messageFiles(home, name(session, ""))) {
				JsonNode data = read(home, file);
				if (data != null && "assistant".equals(Json.text(data, "role")) && data.has("tokens")) {
					entries.add(OpenCodeReader.usage(workspace, name(file, ".json"), name(session, ""),
							Json.number(data.get("time"), "created"), data));
				}
			}
		}
		return entries;
	}

	private List<Path> messageFiles(Path home, String session) throws IOException {
		Optional<Path> folder = HomePaths.directory(home, ROOT + "/message/" + session);
		return folder.isEmpty() ? List.of() : files(home, children(folder.get(), MESSAGE.asMatchPredicate(), ".json"));
	}

	private List<Path> partFiles(Path home, String message) throws IOException {
		Optional<Path> folder = HomePaths.directory(home, ROOT + "/part/" + message);
		return folder.isEmpty() ? List.of() : files(home, children(folder.get(), PART.asMatchPredicate(), ".json"));
	}

	private static List<Path> files(Path home, List<Path> paths) throws IOException {
		List<Path> files = new ArrayList<>(paths.size());
		for (Path path : paths) {
			if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && HomePaths.inside(home, path)) {
				files.add(path);
			}
		}
		return files;
	}

	/** Entries of {@code folder} whose name is one {@code named} accepts + {@code suffix}, sorted by name. */
	private static List<Path> children(Path folder, Predicate<String> named, String suffix) throws IOException {
		List<Path> children = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.endsWith(suffix) && named.test(name.substring(0, name.length() - suffix.length()))) {
					children.add(entry);
				}
			}
		}
		children.sort(null);
		return children;
	}

	private static String name(Path file, String suffix) {
		String name = file.getFileName().toString();
		return name.substring(0, name.length() - suffix.length());
	}

	private @Nullable JsonNode read(Path home, Path file) throws IOException {
		String raw = raw(home, file);
		return raw == null ? null : Json.object(json, raw.strip());
	}

	/** The file's text; null when it is gone, a link, outside the home or larger than {@code maxFile}. */
	private @Nullable String raw(Path home, Path file) throws IOException {
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !HomePaths.inside(home, file) || Files.size(file) > maxFile) {
			return null;
		}
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (java.nio.charset.MalformedInputException | java.nio.file.NoSuchFileException ex) {
			return null;
		}
	}

}
