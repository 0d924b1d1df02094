package dev.perch.workspace;

import java.util.Map;

import dev.perch.shared.web.ApiException;

public class WorkspaceNotFoundException extends ApiException {

	public WorkspaceNotFoundException(String name) {
		super(WorkspaceProblems.NOT_FOUND, "There is no workspace named '" + name + "'.", Map.of("workspace", name));
	}

}
