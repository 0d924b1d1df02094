package dev.perch.session.internal;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one usage collection did.
 *
 * @param workspacesScanned workspaces whose agent files were read
 * @param workspacesSkipped workspaces whose agent files had not changed since the last collection
 * @param workspacesFailed workspaces that could not be read (each named in {@code workspaces} with its error)
 * @param filesRead agent files read, each from where the previous collection stopped (unchanged files are not opened)
 * @param bytesRead bytes of those files read (transcripts; OpenCode's database is read by message and not counted)
 * @param entries usage entries read (one per model request, already deduplicated per agent)
 * @param recorded new usage records
 * @param updated Claude Code entries whose key was recorded with smaller totals (a reply collected while it
 * was still being written): the stored tokens and cost were replaced by the larger ones
 * @param duplicates entries whose key was already recorded (and, for Claude Code, not with smaller totals)
 * @param ignored entries that cannot be records (a timestamp out of range, a name too long)
 * @param durationMs wall time of the collection
 */
public record CollectionReport(int workspacesScanned, int workspacesSkipped, int workspacesFailed, long filesRead,
		long bytesRead, long entries, long recorded, long updated, long duplicates, long ignored, long durationMs,
		List<Workspace> workspaces) {

	static CollectionReport of(List<Workspace> workspaces, long durationMs) {
		return new CollectionReport(count(workspaces, Status.COLLECTED), count(workspaces, Status.UNCHANGED),
				count(workspaces, Status.FAILED), workspaces.stream().mapToLong(Workspace::filesRead).sum(),
				workspaces.stream().mapToLong(Workspace::bytesRead).sum(), workspaces.stream().mapToLong(Workspace::entries).sum(),
				workspaces.stream().mapToLong(Workspace::recorded).sum(),
				workspaces.stream().mapToLong(Workspace::updated).sum(),
				workspaces.stream().mapToLong(Workspace::duplicates).sum(),
				workspaces.stream().mapToLong(Workspace::ignored).sum(), durationMs, workspaces);
	}

	private static int count(List<Workspace> workspaces, Status status) {
		return (int) workspaces.stream().filter(workspace -> workspace.status() == status).count();
	}

	/** What the collection did in one workspace (fields as in the report); {@code error} says why a failed one could not be read. */
	public record Workspace(String name, Status status, long filesRead, long bytesRead, long entries, long recorded,
			long updated, long duplicates, long ignored, @Nullable String error) {

		static Workspace unchanged(String name) {
			return new Workspace(name, Status.UNCHANGED, 0, 0, 0, 0, 0, 0, 0, null);
		}

		static Workspace failed(String name, String error) {
			return new Workspace(name, Status.FAILED, 0, 0, 0, 0, 0, 0, 0, error);
		}

	}

	public enum Status {

		COLLECTED, UNCHANGED, FAILED;

		@JsonValue
		String json() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
