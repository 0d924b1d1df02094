package dev.perch.session.internal;

import org.jspecify.annotations.Nullable;

/**
 * How far a usage file has been read, or where to read it from.
 *
 * @param offset the byte offset just after the last complete line read (0: from the start); a last line
 * still being written lies after it, so it is read once it is complete
 * @param state what the reader needs to go on reading at {@code offset} (Codex: the session, model, turn and
 * the last cumulative totals), in the reader's own format; null when it needs nothing or reads from the start
 */
public record UsagePosition(UsageFile file, long offset, @Nullable String state) {

	/** Reads the whole file. */
	public static UsagePosition start(UsageFile file) {
		return new UsagePosition(file, 0, null);
	}

}
