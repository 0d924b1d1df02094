package dev.perch.session.agent;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Keeps every path a reader opens inside the workspace home: no {@code ..}, no absolute paths, no
 * symbolic link (of a file or of any directory on the way) leading out of it.
 */
public final class HomePaths {

	private HomePaths() {
	}

	/**
	 * The directory {@code home/relative} when it exists, is a directory and its real path is inside the
	 * home's real path; empty otherwise (an agent that never ran, or a link out of the home).
	 */
	public static Optional<Path> directory(Path home, String relative) throws IOException {
		Path candidate = home.resolve(relative).normalize();
		if (!Files.isDirectory(candidate) || !inside(home, candidate)) {
			return Optional.empty();
		}
		return Optional.of(candidate);
	}

	/** Whether {@code candidate} is, after resolving every link, inside the home. */
	public static boolean inside(Path home, Path candidate) throws IOException {
		Path root = home.toAbsolutePath().normalize();
		Path normal = candidate.toAbsolutePath().normalize();
		if (!normal.startsWith(root)) {
			return false;
		}
		if (!Files.exists(normal, LinkOption.NOFOLLOW_LINKS)) {
			return true;
		}
		return normal.toRealPath().startsWith(root.toRealPath());
	}

	/** A regular file (not a link) inside the home, checked again just before it is opened. */
	public static Path requireFile(Path home, Path file) throws IOException {
		if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !inside(home, file)) {
			throw new java.nio.file.NoSuchFileException(file.getFileName().toString());
		}
		return file;
	}

	/** Deletes a file or a directory tree inside the home, never following links (a link is removed, not its target). */
	public static void deleteTree(Path home, Path target) throws IOException {
		if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		Path normal = target.toAbsolutePath().normalize();
		if (!normal.startsWith(home.toAbsolutePath().normalize()) || normal.equals(home.toAbsolutePath().normalize())) {
			throw new IOException("refusing to delete outside the home: " + target.getFileName());
		}
		Files.walkFileTree(normal, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
				if (error != null) {
					throw error;
				}
				Files.delete(directory);
				return FileVisitResult.CONTINUE;
			}

		});
	}

}
