package dev.perch.session.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.perch.session.Agent;

/**
 * How far the usage collector read one agent file of a workspace (a row of {@code usage_collection_file}):
 * the file as it was then (size, mtime, identity, a hash of its head) and where the next read starts.
 *
 * @param path relative to the workspace home
 * @param head SHA-256 of the file's first {@code min(offset, HEAD)} bytes
 */
record CollectedFile(String path, Agent agent, long size, long modified, @Nullable String identity, long offset,
		String head, @Nullable String state) {

	/** Bytes of a file's head that are compared before reading on from an offset. */
	static final int HEAD = 4096;

	/** The longest reader state stored; a longer one is not kept and the file is read from its start next time. */
	static final int MAX_STATE = 4000;

	/** Where a reader reached in a file, to be stored. */
	static CollectedFile reached(Path home, Agent agent, UsagePosition reached) throws IOException {
		UsageFile file = reached.file();
		boolean keep = reached.state() == null || reached.state().length() <= MAX_STATE;
		long offset = keep ? reached.offset() : 0;
		return new CollectedFile(relative(home, file.file()), agent, file.size(), file.modifiedMillis(), file.identity(),
				offset, head(file.file(), offset), keep ? reached.state() : null);
	}

	static String relative(Path home, Path file) {
		return home.relativize(file).toString();
	}

	/** The key of the row: a digest of the path, which may be longer than an index entry may be. */
	String pathHash() {
		return pathHash(path);
	}

	static String pathHash(String path) {
		return hex(sha256().digest(path.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Where to read {@code now} from: nowhere (null) when its size, mtime and identity are those read last
	 * time; on from the stored offset and state when it only grew (same identity, at least as large, the
	 * same head); else from its start, because it was truncated or replaced.
	 */
	@Nullable UsagePosition resume(UsageFile now) throws IOException {
		boolean sameFile = Objects.equals(identity, now.identity());
		if (sameFile && now.size() == size && now.modifiedMillis() == modified) {
			return null;
		}
		if (sameFile && now.size() >= offset && head.equals(head(now.file(), offset))) {
			return new UsagePosition(now, offset, state);
		}
		return UsagePosition.start(now);
	}

	/** SHA-256 of the file's first {@code min(offset, HEAD)} bytes (fewer if the file is shorter now). */
	static String head(Path file, long offset) throws IOException {
		int length = (int) Math.min(offset, HEAD);
		MessageDigest digest = sha256();
		if (length > 0) {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
				ByteBuffer bytes = ByteBuffer.allocate(length);
				while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
					// read until the head is complete or the file ends
				}
				bytes.flip();
				digest.update(bytes);
			}
		}
		return hex(digest.digest());
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}
