package dev.perch.workspace;

/** The workspace name rule: a DNS label. */
public final class WorkspaceNames {

	public static final String PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";

	private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

	private WorkspaceNames() {
	}

	public static boolean isValid(String name) {
		return COMPILED.matcher(name).matches();
	}

}
