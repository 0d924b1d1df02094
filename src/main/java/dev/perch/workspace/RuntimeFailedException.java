package dev.perch.workspace;

import java.util.Map;

import dev.perch.shared.web.ApiException;

/** The runtime answered, but refused or failed the operation (an image that does not exist, say). */
public class RuntimeFailedException extends ApiException {

	public RuntimeFailedException(String runtime, String detail) {
		super(WorkspaceProblems.RUNTIME_FAILED, detail, Map.of("runtime", runtime));
	}

}
