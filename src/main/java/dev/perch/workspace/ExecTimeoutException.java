package dev.perch.workspace;

import java.time.Duration;
import java.util.Map;

import dev.perch.shared.web.ApiException;

public class ExecTimeoutException extends ApiException {

	public ExecTimeoutException(String workspace, Duration timeout) {
		super(WorkspaceProblems.EXEC_TIMEOUT, "The command did not finish within " + timeout.toMillis()
				+ " ms and was killed.", Map.of("workspace", workspace, "timeoutMs", timeout.toMillis()));
	}

}
