package dev.perch.opencode;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /workspaces/{ws}/opencode} shows.
 *
 * @param status {@code running} or {@code stopped}
 * @param activeStreams turns and viewers that use the server now (it is not stopped while there are any)
 */
public record OpenCodeServerState(String workspace, String status, @Nullable String host, @Nullable Integer port,
		@Nullable Long pid, @Nullable String version, @Nullable Instant startedAt, @Nullable Instant lastUsedAt,
		int activeStreams) {

	static OpenCodeServerState stopped(String workspace) {
		return new OpenCodeServerState(workspace, "stopped", null, null, null, null, null, null, 0);
	}

}
