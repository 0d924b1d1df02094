package dev.perch.workspace.runtime.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The last lines of a text file, read backwards from its end (never the whole file), and then, when
 * following, the lines appended after that, found by polling the file's size.
 */
final class FileTail {

	private static final int CHUNK = 8192;

	private FileTail() {
	}

	static Flux<String> lines(Path file, int tail, boolean follow, Duration pollInterval) {
		return Flux.defer(() -> {
			Position position = new Position();
			Flux<String> last = Mono.fromCallable(() -> lastLines(file, tail, position))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapIterable(lines -> lines);
			if (!follow) {
				return last;
			}
			Flux<String> appended = Flux.interval(pollInterval)
				.onBackpressureDrop()
				.concatMap(tick -> Mono.fromCallable(() -> appended(file, position)).subscribeOn(Schedulers.boundedElastic()))
				.flatMapIterable(lines -> lines);
			return last.concatWith(appended);
		});
	}

	/** Where the next read starts, and the unfinished line read so far. */
	private static final class Position {

		long offset;

		StringBuilder partial = new StringBuilder();

	}

	static List<String> lastLines(Path file, int count, Position position) throws IOException {
		if (!Files.exists(file)) {
			return List.of();
		}
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
			long length = raf.length();
			position.offset = length;
			if (count <= 0 || length == 0) {
				return List.of();
			}
			long start;
			int newlines = 0;
			byte[] buffer = new byte[CHUNK];
			// ignore a final newline: it ends the last line rather than starting an empty one
			long scanEnd = length;
			raf.seek(length - 1);
			if (raf.read() == '\n') {
				scanEnd = length - 1;
			}
			start = scanEnd;
			outer: while (start > 0) {
				int size = (int) Math.min(CHUNK, start);
				raf.seek(start - size);
				raf.readFully(buffer, 0, size);
				for (int i = size - 1; i >= 0; i--) {
					if (buffer[i] == '\n' && ++newlines == count) {
						start = start - size + i + 1;
						break outer;
					}
				}
				start -= size;
			}
			byte[] bytes = new byte[(int) (length - start)];
			raf.seek(start);
			raf.readFully(bytes);
			String text = new String(bytes, StandardCharsets.UTF_8);
			List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
			if (lines.get(lines.size() - 1).isEmpty()) {
				lines.remove(lines.size() - 1);
			}
			return lines;
		}
	}

	static List<String> appended(Path file, Position position) {
		try {
			if (!Files.exists(file)) {
				return List.of();
			}
			long size = Files.size(file);
			if (size < position.offset) {
				position.offset = 0;
				position.partial.setLength(0);
			}
			if (size == position.offset) {
				return List.of();
			}
			try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
				raf.seek(position.offset);
				byte[] bytes = new byte[(int) Math.min(size - position.offset, 1 << 20)];
				raf.readFully(bytes);
				position.offset += bytes.length;
				position.partial.append(new String(bytes, StandardCharsets.UTF_8));
			}
			Deque<String> lines = new ArrayDeque<>(List.of(position.partial.toString().split("\n", -1)));
			String unfinished = lines.removeLast();
			position.partial = new StringBuilder(unfinished);
			return List.copyOf(lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
