package dev.perch.workspace;

import com.fasterxml.jackson.annotation.JsonValue;

/** The live state of a workspace. */
public enum WorkspaceStatus {

	RUNNING, STOPPED,
	/** What the runtime should have is gone (a container removed behind Perch's back, a deleted directory). */
	MISSING,
	/** The runtime could not be asked (the Docker engine is down); shown in lists instead of failing them. */
	UNKNOWN;

	@JsonValue
	public String json() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	public static WorkspaceStatus parse(String text) {
		return valueOf(text.toUpperCase(java.util.Locale.ROOT));
	}

}
