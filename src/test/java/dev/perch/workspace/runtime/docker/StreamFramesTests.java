package dev.perch.workspace.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamFramesTests {

	static byte[] frame(int stream, String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) stream, 0, 0, 0, (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
				(byte) (payload.length >>> 8), (byte) payload.length });
		out.writeBytes(payload);
		return out.toByteArray();
	}

	@Test
	void decodesFramesWhateverTheChunksTheNetworkCutsThemInto() {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		stream.writeBytes(frame(1, "out é\n"));
		stream.writeBytes(frame(2, "err\n"));
		stream.writeBytes(frame(1, ""));
		stream.writeBytes(frame(1, "x".repeat(300)));
		byte[] bytes = stream.toByteArray();

		for (int size : new int[] { 1, 3, 7, 8, 9, 100, bytes.length }) {
			StreamFrames decoder = new StreamFrames();
			List<StreamFrames.Frame> frames = new ArrayList<>();
			for (int offset = 0; offset < bytes.length; offset += size) {
				frames.addAll(decoder.feed(Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + size))));
			}
			assertThat(frames).extracting(StreamFrames.Frame::stream).containsExactly(1, 2, 1, 1);
			assertThat(frames).extracting(frame -> new String(frame.payload(), StandardCharsets.UTF_8))
				.containsExactly("out é\n", "err\n", "", "x".repeat(300));
		}
	}

	@Test
	void keepsStdoutAndStderrLinesApartWhenTheyArriveInPieces() {
		FrameLines lines = new FrameLines();
		List<String> seen = new ArrayList<>();

		seen.addAll(lines.feed(new StreamFrames.Frame(1, "hel".getBytes(StandardCharsets.UTF_8))));
		seen.addAll(lines.feed(new StreamFrames.Frame(2, "warn".getBytes(StandardCharsets.UTF_8))));
		seen.addAll(lines.feed(new StreamFrames.Frame(1, "lo\r\nsecond\n".getBytes(StandardCharsets.UTF_8))));
		seen.addAll(lines.feed(new StreamFrames.Frame(2, "ing\nlast".getBytes(StandardCharsets.UTF_8))));
		seen.addAll(lines.rest());

		assertThat(seen).containsExactly("hello", "second", "warning", "last");
	}

	@Test
	void capsEachStreamOnItsOwnAndMarksWhatWasCut() {
		CappedOutput output = new CappedOutput(5);

		output.add(new StreamFrames.Frame(1, "abc".getBytes(StandardCharsets.UTF_8)));
		output.add(new StreamFrames.Frame(1, "defgh".getBytes(StandardCharsets.UTF_8)));
		output.add(new StreamFrames.Frame(2, "12345".getBytes(StandardCharsets.UTF_8)));

		assertThat(output.stdout()).isEqualTo("abcde");
		assertThat(output.stdoutTruncated()).isTrue();
		assertThat(output.stderr()).isEqualTo("12345");
		assertThat(output.stderrTruncated()).isFalse();
	}

}
