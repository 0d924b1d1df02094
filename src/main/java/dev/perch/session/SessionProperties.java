package dev.perch.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Agent sessions.
 *
 * @param refreshInterval a list re-scans a workspace's session files at most this often (a lookup that
 * misses the index re-scans at once); only files whose size or mtime changed are read again
 * @param maxLine a transcript line longer than this is skipped and counted as unreadable (bounds memory)
 * @param maxSearchQuery the longest search query accepted, in characters
 * @param maxSearchResults the most sessions one search returns
 * @param maxPageSize the largest {@code limit} of a list or history page
 */
@ConfigurationProperties("perch.sessions")
public record SessionProperties(@DefaultValue("2s") Duration refreshInterval, @DefaultValue("16MB") DataSize maxLine,
		@DefaultValue("200") int maxSearchQuery, @DefaultValue("50") int maxSearchResults,
		@DefaultValue("200") int maxPageSize) {

	/** The defaults, for code built outside Spring (tests, the benchmark). */
	public static SessionProperties defaults() {
		return new SessionProperties(Duration.ofSeconds(2), DataSize.ofMegabytes(16), 200, 50, 200);
	}

	public int maxLineBytes() {
		return (int) Math.min(Integer.MAX_VALUE - 16, maxLine.toBytes());
	}

}
