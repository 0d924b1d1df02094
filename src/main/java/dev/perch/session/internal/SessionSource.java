package dev.perch.session.internal;

import java.nio.file.Path;

/**
 * Where a session lives and the file metadata that tells whether it changed: the transcript for Claude
 * Code and Codex, the SQLite database (size and mtime of the database and its WAL) for OpenCode.
 */
public record SessionSource(String id, Path file, long size, long modifiedMillis) {
}
