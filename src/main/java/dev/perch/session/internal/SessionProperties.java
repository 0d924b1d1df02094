package dev.perch.session.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Agent sessions.
 *
 * @param refreshInterval how often the session files of each workspace in use are re-scanned in the
 * background (lists are served from the index; a lookup that misses it re-scans at once); only files
 * whose size or mtime changed are read again
 * @param maxLine a transcript line longer than this is skipped and counted as unreadable (bounds memory)
 * @param maxSearchQuery the longest search query accepted, in characters
 * @param maxSearchResults the most sessions one search returns
 * @param maxSearchBytes a search stops opening sessions once the transcripts it opened add up to this
 * (their indexed sizes; OpenCode's database sessions count 0) and says so ({@code truncated})
 * @param maxSearchTime a search stops opening sessions after this long and says so ({@code truncated})
 */
@ConfigurationProperties("perch.sessions")
public record SessionProperties(@DefaultValue("5s") Duration refreshInterval, @DefaultValue("16MB") DataSize maxLine,
		@DefaultValue("200") int maxSearchQuery, @DefaultValue("50") int maxSearchResults,
		@DefaultValue("256MB") DataSize maxSearchBytes, @DefaultValue("10s") Duration maxSearchTime) {

	/** The defaults, for code built outside Spring (tests, the benchmark). */
	public static SessionProperties defaults() {
		return new SessionProperties(Duration.ofSeconds(5), DataSize.ofMegabytes(16), 200, 50, DataSize.ofMegabytes(256),
				Duration.ofSeconds(10));
	}

	public int maxLineBytes() {
		return (int) Math.min(Integer.MAX_VALUE - 16, maxLine.toBytes());
	}

}
