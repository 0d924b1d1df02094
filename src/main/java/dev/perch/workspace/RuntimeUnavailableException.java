package dev.perch.workspace;

import java.util.Map;

import dev.perch.shared.web.ApiException;

/** The runtime's backend (the Docker engine) cannot be reached; the rest of the API keeps working. */
public class RuntimeUnavailableException extends ApiException {

	public RuntimeUnavailableException(String runtime, String detail, Throwable cause) {
		super(WorkspaceProblems.RUNTIME_UNAVAILABLE, detail, Map.of("runtime", runtime), cause);
	}

}
