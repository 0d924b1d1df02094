package dev.perch.session;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perch.session.agent.Lines;
import dev.perch.session.agent.claude.ClaudeReader;
import dev.perch.session.internal.SessionSource;

import static dev.perch.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

class LinesTests {

	@TempDir
	Path temp;

	@Test
	void readsTheSameLinesForwardsAndBackwardsWhateverTheirLengths() throws IOException {
		Random random = new Random(42);
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			int length = random.nextInt(10) == 0 ? 70_000 + random.nextInt(100_000) : random.nextInt(300);
			lines.add(i + ":" + "é€x".repeat(length / 3) + ":" + i);
		}
		Path file = temp.resolve("lines.txt");
		Files.write(file, lines);
		List<String> forward = new ArrayList<>();
		int skipped = Lines.forward(file, Files.size(file), Integer.MAX_VALUE - 16, (line, offset, terminated) -> forward.add(line));
		List<String> backward = new ArrayList<>();
		List<Long> offsets = new ArrayList<>();
		Lines.backward(file, Files.size(file), Integer.MAX_VALUE - 16, (line, offset) -> {
			backward.add(0, line);
			offsets.add(0, offset);
			return true;
		});
		assertThat(skipped).isZero();
		assertThat(forward).isEqualTo(lines);
		assertThat(backward).isEqualTo(lines);
		// an offset is where its line starts: reading backwards from it yields the lines before
		List<String> before = new ArrayList<>();
		Lines.backward(file, offsets.get(1500), Integer.MAX_VALUE - 16, (line, offset) -> {
			before.add(0, line);
			return true;
		});
		assertThat(before).isEqualTo(lines.subList(0, 1500));
	}

	@Test
	void skipsAndCountsLinesLongerThanTheLimitInBothDirections() throws IOException {
		Path file = temp.resolve("long.txt");
		Files.writeString(file, "short\n" + "x".repeat(200_000) + "\nlast", StandardCharsets.UTF_8);
		List<String> forward = new ArrayList<>();
		assertThat(Lines.forward(file, Files.size(file), 1000, (line, offset, terminated) -> forward.add(line + "|" + terminated)))
			.isEqualTo(1);
		assertThat(forward).containsExactly("short|true", "last|false");
		List<String> backward = new ArrayList<>();
		assertThat(Lines.backward(file, Files.size(file), 1000, (line, offset) -> backward.add(line))).isEqualTo(1);
		assertThat(backward).containsExactly("last", "short");
	}

	/**
	 * A 200 MB transcript (generated here, deleted after): the first page of its history comes from the
	 * tail, allocating a few MB at most, not the file. Memory is measured as bytes this thread allocated.
	 */
	@Test
	void readsTheTailOfA200MegabyteTranscriptWithoutReadingTheFile() throws IOException {
		Path home = temp.resolve("home");
		Path project = Files.createDirectories(home.resolve(".claude/projects/-big"));
		String id = "bbbbbbbb-0000-4000-8000-000000000200";
		Path file = project.resolve(id + ".jsonl");
		String padding = "lorem ipsum dolor sit amet ".repeat(70);
		long target = 200L * 1024 * 1024;
		int count = 0;
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW)) {
			long written = 0;
			// plain concatenation (no JSON library per line) keeps generation to a few seconds
			while (written < target || count % 2 == 1) {
				String line = count % 2 == 0
						? claudeUser(id, "u" + count, "/big", "2026-11-25T00:00:00Z", "question " + count)
						: claudeAssistant(id, "a" + count, "msg_" + count, "req_" + count, "2026-11-25T00:00:01Z",
								"answer " + count, 10, 20);
				line = line.replace("\"question ", "\"" + padding + " question ").replace("\"answer ", "\"" + padding + " answer ");
				out.write(line);
				out.write('\n');
				written += line.length() + 1;
				count++;
			}
		}
		assertThat(Files.size(file)).isGreaterThanOrEqualTo(target);
		ClaudeReader reader = claude();
		SessionSource source = reader.sources(home).get(0);

		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
		MessagePage tail = reader.messages(home, source, 50, null);
		MessagePage older = reader.messages(home, source, 50, tail.before());
		long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

		assertThat(tail.items()).hasSize(50);
		assertThat(tail.items().get(49).id()).isEqualTo("msg_" + (count - 1));
		assertThat(older.items().get(49).id()).isEqualTo("msg_" + (count - 51));
		assertThat(allocated).as("bytes allocated for two pages of a %d-byte file", Files.size(file))
			.isLessThan(32L * 1024 * 1024);
		Files.delete(file);
	}

}
