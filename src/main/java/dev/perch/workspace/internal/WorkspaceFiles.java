package dev.perch.workspace.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.workspace.WorkspaceProblems;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The host side of every workspace, whatever its runtime: {@code <root>/<name>/home} (bind-mounted into
 * docker containers), {@code <root>/<name>/workspace.log}, the clone of its repository and copies of homes.
 */
@Component
public class WorkspaceFiles {

	/** scp-like git addresses: {@code git@host:owner/repo.git}. */
	private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+");

	private final WorkspaceProperties properties;

	private final Clock clock;

	public WorkspaceFiles(WorkspaceProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	public Path directory(String name) {
		return properties.root().toAbsolutePath().normalize().resolve(name);
	}

	public Path home(String name) {
		return directory(name).resolve("home");
	}

	public Path logFile(String name) {
		return directory(name).resolve("workspace.log");
	}

	/** Rejects repository URLs whose scheme is not allowed, and everything git would read as an option or a helper. */
	public void checkRepository(String url) {
		String message = "repository must be a git URL with one of the schemes " + properties.repositorySchemes()
				+ " (or user@host:path for ssh)";
		boolean valid;
		if (url.startsWith("-") || url.contains("::") || url.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
			valid = false;
		}
		else if (SCP_LIKE.matcher(url).matches()) {
			valid = properties.repositorySchemes().contains("ssh");
		}
		else {
			valid = schemeAllowed(url);
		}
		if (!valid) {
			throw new ApiException(ProblemType.VALIDATION, message + ".",
					Map.of("errors", List.of(Map.of("field", "repository", "message", message))));
		}
	}

	private boolean schemeAllowed(String url) {
		try {
			URI uri = new URI(url);
			return uri.getScheme() != null && properties.repositorySchemes().contains(uri.getScheme().toLowerCase())
					&& (uri.getHost() != null || "file".equalsIgnoreCase(uri.getScheme()));
		}
		catch (java.net.URISyntaxException ex) {
			return false;
		}
	}

	/** A working directory relative to the home, normalised, that cannot leave it. */
	public @Nullable String checkWorkingDirectory(@Nullable String relative) {
		if (relative == null || relative.isBlank()) {
			return null;
		}
		Path path = Path.of(relative).normalize();
		if (path.isAbsolute() || path.startsWith("..") || relative.indexOf('\0') >= 0) {
			String message = "must be a path relative to the workspace home that stays inside it";
			throw new ApiException(ProblemType.VALIDATION, "workingDirectory " + message + ".",
					Map.of("errors", List.of(Map.of("field", "workingDirectory", "message", message))));
		}
		return path.toString().isEmpty() ? null : path.toString();
	}

	public Mono<Void> createHome(String name, @Nullable String repository, Duration cloneTimeout) {
		return Mono.fromRunnable(() -> {
			try {
				Files.createDirectories(home(name));
				if (repository != null) {
					cloneInto(repository, home(name), cloneTimeout);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).subscribeOn(Schedulers.boundedElastic()).then();
	}

	public Mono<Void> copyHome(Path source, String name) {
		return Mono.fromRunnable(() -> copyTree(source, home(name))).subscribeOn(Schedulers.boundedElastic()).then();
	}

	public Mono<Void> deleteWorkspace(String name) {
		return Mono.fromRunnable(() -> deleteTree(directory(name))).subscribeOn(Schedulers.boundedElastic()).then();
	}

	/** Appends a line to the workspace log (best effort: a full disk must not fail the operation it records). */
	public void appendLog(String name, String message) {
		try {
			Files.createDirectories(directory(name));
			Files.writeString(logFile(name), clock.instant() + " perch: " + message + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the log is a convenience; the operation itself succeeded
		}
	}

	private static void cloneInto(String repository, Path home, Duration timeout) throws IOException {
		String directory = repositoryDirectory(repository);
		Path output = Files.createTempFile("perch-clone", ".log");
		ProcessBuilder builder = new ProcessBuilder("git", "-c", "protocol.ext.allow=never", "clone", "--quiet", "--", repository, directory)
			.directory(home.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile());
		builder.environment().put("GIT_TERMINAL_PROMPT", "0");
		builder.environment().put("GIT_ASKPASS", "true");
		Process process = builder.start();
		try {
			process.getOutputStream().close();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				java.util.List<ProcessHandle> descendants = process.descendants().toList();
				process.destroyForcibly();
				descendants.forEach(ProcessHandle::destroyForcibly);
				throw cloneFailed(repository, "git clone did not finish within " + timeout.toSeconds() + " s");
			}
			if (process.exitValue() != 0) {
				throw cloneFailed(repository, Files.readString(output, StandardCharsets.UTF_8).strip());
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw cloneFailed(repository, "interrupted");
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	public static String repositoryDirectory(String repository) {
		String path = repository.replaceAll("[/\\\\]+$", "");
		String last = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1);
		if (last.endsWith(".git")) {
			last = last.substring(0, last.length() - 4);
		}
		return last.matches("[A-Za-z0-9._-]+") && !last.startsWith(".") ? last : "repository";
	}

	private static ApiException cloneFailed(String repository, String why) {
		return new ApiException(WorkspaceProblems.CLONE_FAILED, "Could not clone " + repository + ": "
				+ (why.length() > 500 ? why.substring(0, 500) + "…" : why), Map.of("repository", repository));
	}

	private static void copyTree(Path source, Path target) {
		try {
			Files.createDirectories(target);
			Files.walkFileTree(source, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
					Files.createDirectories(target.resolve(source.relativize(dir).toString()));
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
							LinkOption.NOFOLLOW_LINKS);
					return FileVisitResult.CONTINUE;
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteTree(Path root) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
