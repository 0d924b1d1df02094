package dev.perch.session.internal;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.jspecify.annotations.Nullable;

/**
 * One file an agent records usage in, from its metadata only: a Claude Code transcript or subagent file, a
 * Codex rollout. For OpenCode's database, {@code size} and {@code modifiedMillis} are the number of messages
 * and their latest update (a cheap query; the database is read by message, never by offset).
 *
 * @param identity the file system's identity of the file (device and inode on Linux), null where there is
 * none: a different identity means the file was replaced, so whatever was read of the old one says
 * nothing about it
 */
public record UsageFile(Path file, long size, long modifiedMillis, @Nullable String identity) {

	public static UsageFile of(Path file, BasicFileAttributes attributes) {
		Object key = attributes.fileKey();
		return new UsageFile(file, attributes.size(), attributes.lastModifiedTime().toMillis(),
				key == null ? null : key.toString());
	}

}
