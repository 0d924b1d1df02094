package dev.perch.session.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.perch.session.Agent;
import dev.perch.session.MessagePage;
import dev.perch.session.UsageEntry;

/**
 * Reads one agent's sessions from a workspace home. Implemented once per agent in the internal
 * {@code agent.*} packages; every method blocks on file I/O, and {@link AgentSessions} calls them on
 * bounded-elastic threads. Implementations stream their sources (never a whole file in memory), keep
 * every path they open inside {@code home}, and skip and count lines they cannot read.
 */
public interface AgentReader {

	Agent agent();

	/** Whether {@code id} has this agent's session-id format (checked before any path is built from it). */
	default boolean isValidId(String id) {
		return agent().isValidId(id);
	}

	/** The sessions under {@code home}, from file metadata only (cheap: no content read). */
	List<SessionSource> sources(Path home) throws IOException;

	/** Reads what the index keeps about each source. */
	List<SessionSummary> summarize(Path home, List<SessionSource> sources) throws IOException;

	/**
	 * A page of history ending just before {@code before} (null: the tail), at most {@code limit} messages.
	 *
	 * @throws IllegalArgumentException when {@code before} is not a cursor this reader gave out
	 */
	MessagePage messages(Path home, SessionSource source, int limit, @Nullable String before) throws IOException;

	/** A snippet around the first place the session's content contains {@code needle} (already lower case). */
	Optional<String> search(Path home, SessionSource source, String needle) throws IOException;

	/** Removes the session from the agent's storage. */
	void delete(Path home, SessionSource source) throws IOException;

	/** The files this agent records usage in under {@code home}, from file metadata only. */
	List<UsageFile> usageFiles(Path home) throws IOException;

	/**
	 * Per-request usage of the lines after each position (up to the file's listed size), deduplicated by
	 * {@link UsageEntry#dedupeKey()} across these files, and how far each file was read. A last line
	 * without its newline is not read: its position stays before it. Reading a file in several steps
	 * (each from the position the previous one reached) gives the same keys as reading it at once.
	 */
	UsageRead usage(Path home, String workspace, List<UsagePosition> from) throws IOException;

	/** Per-request usage of every session under {@code home}, deduplicated by {@link UsageEntry#dedupeKey()}. */
	default List<UsageEntry> usage(Path home, String workspace) throws IOException {
		return usage(home, workspace, usageFiles(home).stream().map(UsagePosition::start).toList()).entries();
	}

}
