package dev.perch.workspace.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.workspace.ExecCommand;
import dev.perch.workspace.ExecResult;
import dev.perch.workspace.ExecTimeoutException;
import dev.perch.workspace.ProcessSpec;
import dev.perch.workspace.WorkspaceProcess;
import dev.perch.workspace.RuntimeFailedException;
import dev.perch.workspace.internal.WorkspaceFiles;
import dev.perch.workspace.WorkspaceRuntime;
import dev.perch.workspace.WorkspaceSpec;
import dev.perch.workspace.WorkspaceStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A workspace is a directory on this host; its commands are host processes run with argv in its home,
 * with {@code HOME} set to that home and a bounded timeout. Whether it is started is a marker file
 * next to the home; a deleted home makes it {@code missing}. Its log is {@code workspace.log}.
 */
@Component
class LocalRuntime implements WorkspaceRuntime, DisposableBean {

	private static final String RUNNING_MARKER = ".running";

	private static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "LOGNAME");

	private final WorkspaceFiles files;

	private final ExecutorService readers = Executors.newCachedThreadPool(runnable -> {
		Thread thread = new Thread(runnable, "perch-local-exec");
		thread.setDaemon(true);
		return thread;
	});

	/** Processes spawned per workspace, ended when it stops or Perch shuts down. */
	private final Map<String, java.util.Queue<Process>> spawned = new java.util.concurrent.ConcurrentHashMap<>();

	LocalRuntime(WorkspaceFiles files) {
		this.files = files;
	}

	@Override
	public String kind() {
		return "local";
	}

	@Override
	public Mono<String> create(WorkspaceSpec spec) {
		return Mono.just(spec.home().toString());
	}

	@Override
	public Mono<String> start(WorkspaceSpec spec) {
		return blocking(() -> {
			if (!Files.isDirectory(spec.home())) {
				throw new RuntimeFailedException(kind(), "The home directory " + spec.home()
						+ " is gone; delete the workspace and create it again.");
			}
			Files.writeString(marker(spec), "running\n");
			return spec.home().toString();
		});
	}

	/** Stopping ends the processes spawned in the workspace, then clears the marker. */
	@Override
	public Mono<Void> stop(WorkspaceSpec spec) {
		return blocking(() -> {
			java.util.Queue<Process> processes = spawned.remove(spec.name());
			if (processes != null) {
				processes.forEach(LocalRuntime::killTree);
			}
			return Files.deleteIfExists(marker(spec));
		}).then();
	}

	@Override
	public Mono<Void> delete(WorkspaceSpec spec) {
		return stop(spec);
	}

	@Override
	public Mono<WorkspaceStatus> status(WorkspaceSpec spec) {
		return blocking(() -> !Files.isDirectory(spec.home()) ? WorkspaceStatus.MISSING
				: Files.exists(marker(spec)) ? WorkspaceStatus.RUNNING : WorkspaceStatus.STOPPED);
	}

	@Override
	public Flux<String> logs(WorkspaceSpec spec, int tail, boolean follow) {
		return FileTail.lines(files.logFile(spec.name()), tail, follow, Duration.ofMillis(250));
	}

	@Override
	public Mono<WorkspaceProcess> spawn(WorkspaceSpec spec, ProcessSpec process) {
		return blocking(() -> {
			Path directory = process.workingDirectory() == null ? spec.home() : spec.home().resolve(process.workingDirectory());
			Path log = spec.home().resolve(process.logFile());
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(process.argv()).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			environment(builder.environment(), spec, process.env());
			Process started = builder.start();
			started.getOutputStream().close();
			spawned.computeIfAbsent(spec.name(), name -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(started);
			return new HostProcess(started);
		});
	}

	@Override
	public Mono<String> reachableHost(WorkspaceSpec spec) {
		return Mono.just("127.0.0.1");
	}

	/** A host process started by {@link #spawn}. */
	private record HostProcess(Process process) implements WorkspaceProcess {

		@Override
		public long pid() {
			return process.pid();
		}

		@Override
		public Mono<Boolean> isAlive() {
			return Mono.fromSupplier(process::isAlive);
		}

		@Override
		public Mono<Void> stop() {
			return blocking(() -> {
				process.destroy();
				if (!process.waitFor(5, TimeUnit.SECONDS)) {
					killTree(process);
				}
				return true;
			}).then();
		}

	}

	@Override
	public Path homeInside(WorkspaceSpec spec) {
		return spec.home();
	}

	@Override
	public Mono<ExecResult> exec(WorkspaceSpec spec, ExecCommand command) {
		return Mono.using(() -> startProcess(spec, command),
				process -> Mono.fromCallable(() -> await(spec, command, process)),
				LocalRuntime::killTree)
			.onErrorResume(NotRunnable.class, e -> Mono.just(new ExecResult(127, "", e.getMessage() + "\n", false, false, 0)))
			.subscribeOn(Schedulers.boundedElastic());
	}

	private Process startProcess(WorkspaceSpec spec, ExecCommand command) throws IOException {
		Path directory = command.workingDirectory() == null ? spec.home() : spec.home().resolve(command.workingDirectory());
		if (!Files.isDirectory(directory)) {
			String message = "does not exist in the workspace home";
			throw new ApiException(ProblemType.VALIDATION, "workingDirectory " + message + ".",
					Map.of("errors", List.of(Map.of("field", "workingDirectory", "message", message))));
		}
		ProcessBuilder builder = new ProcessBuilder(command.argv()).directory(directory.toFile());
		environment(builder.environment(), spec, command.env());
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			return process;
		}
		catch (IOException ex) {
			throw new NotRunnable("perch: cannot run '" + command.argv().get(0) + "': " + ex.getMessage());
		}
	}

	/** Only a few harmless variables of Perch's own environment (never its secrets), the workspace's, the command's, and HOME. */
	private static void environment(Map<String, String> env, WorkspaceSpec spec, Map<String, String> extra) {
		Map<String, String> inherited = new HashMap<>(env);
		env.clear();
		INHERITED.forEach(name -> {
			if (inherited.containsKey(name)) {
				env.put(name, inherited.get(name));
			}
		});
		env.putAll(spec.env());
		env.putAll(extra);
		env.put("HOME", spec.home().toString());
		env.put("PERCH_WORKSPACE", spec.name());
	}

	private ExecResult await(WorkspaceSpec spec, ExecCommand command, Process process) throws Exception {
		long started = System.nanoTime();
		CompletableFuture<Captured> stdout = CompletableFuture.supplyAsync(() -> capture(process.getInputStream(), command.maxOutputBytes()), readers);
		CompletableFuture<Captured> stderr = CompletableFuture.supplyAsync(() -> capture(process.getErrorStream(), command.maxOutputBytes()), readers);
		if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
			killTree(process);
			throw new ExecTimeoutException(spec.name(), command.timeout());
		}
		Captured out = join(stdout);
		Captured err = join(stderr);
		files.appendLog(spec.name(), "exec " + command.argv().get(0) + " exited " + process.exitValue());
		return new ExecResult(process.exitValue(), out.text(), err.text(), out.truncated(), err.truncated(),
				(System.nanoTime() - started) / 1_000_000);
	}

	private static Captured join(CompletableFuture<Captured> future) throws InterruptedException {
		try {
			// the streams end when the process and every child holding them have exited; don't wait forever on a daemon child
			return future.get(5, TimeUnit.SECONDS);
		}
		catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
			return new Captured("", true);
		}
	}

	/** Reads a stream to its end, keeping at most {@code limit} bytes. */
	private static Captured capture(InputStream stream, int limit) {
		try (stream) {
			byte[] kept = stream.readNBytes(limit);
			boolean truncated = stream.transferTo(java.io.OutputStream.nullOutputStream()) > 0;
			return new Captured(new String(kept, StandardCharsets.UTF_8), truncated);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The program could not be started: reported like a shell does, as exit code 127. */
	private static final class NotRunnable extends RuntimeException {

		NotRunnable(String message) {
			super(message, null, false, false);
		}

	}

	private record Captured(String text, boolean truncated) {
	}

	/**
	 * Kills the process first, then the descendants it had: killing a shell's child first would let the
	 * shell run its next command ({@code sleep 30; touch late}) before it dies.
	 */
	private static void killTree(Process process) {
		java.util.List<ProcessHandle> descendants = process.descendants().toList();
		process.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
	}

	private Path marker(WorkspaceSpec spec) {
		return files.directory(spec.name()).resolve(RUNNING_MARKER);
	}

	private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
		return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
	}

	/** Processes spawned in workspaces end with Perch. */
	@Override
	public void destroy() {
		spawned.values().forEach(processes -> processes.forEach(LocalRuntime::killTree));
		readers.shutdownNow();
	}

}
