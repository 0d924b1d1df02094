package dev.perch.workspace.runtime.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.test.StepVerifier;

class FileTailTests {

	@TempDir
	Path temp;

	@Test
	void readsOnlyTheLastLinesOfALargeFile() throws Exception {
		Path log = temp.resolve("big.log");
		Files.writeString(log, IntStream.range(0, 200_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));

		FileTail.lines(log, 3, false, Duration.ofMillis(50))
			.as(StepVerifier::create)
			.expectNext("line 199997", "line 199998", "line 199999")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void keepsALastLineWithoutNewlineAndCopesWithShortFiles() throws Exception {
		Path log = temp.resolve("short.log");
		Files.writeString(log, "one\ntwo");

		FileTail.lines(log, 10, false, Duration.ofMillis(50))
			.as(StepVerifier::create)
			.expectNext("one", "two")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		FileTail.lines(temp.resolve("absent.log"), 10, false, Duration.ofMillis(50))
			.as(StepVerifier::create)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void followsAppendedLinesAndJoinsPartialWrites() throws Exception {
		Path log = temp.resolve("follow.log");
		Files.writeString(log, "old\n");

		FileTail.lines(log, 1, true, Duration.ofMillis(20))
			.as(StepVerifier::create)
			.expectNext("old")
			.then(() -> append(log, "new li"))
			.then(() -> append(log, "ne\nsecond\n"))
			.expectNext("new line", "second")
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void startsOverWhenTheFileIsTruncated() throws Exception {
		Path log = temp.resolve("rotated.log");
		Files.writeString(log, "a long first line that will be cut\n");

		FileTail.lines(log, 0, true, Duration.ofMillis(20))
			.as(StepVerifier::create)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.then(() -> write(log, "fresh\n"))
			.expectNext("fresh")
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	private static void append(Path file, String text) {
		try {
			Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static void write(Path file, String text) {
		try {
			Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
