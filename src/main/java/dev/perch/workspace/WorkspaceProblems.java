package dev.perch.workspace;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ProblemType;

/** The problem types of the workspace module. */
public final class WorkspaceProblems {

	public static final ProblemType NOT_FOUND = new ProblemType("workspace-not-found", "Workspace not found", HttpStatus.NOT_FOUND);
	public static final ProblemType EXISTS = new ProblemType("workspace-exists", "Workspace already exists", HttpStatus.CONFLICT);
	public static final ProblemType STATE = new ProblemType("workspace-state-conflict", "Workspace is in the wrong state", HttpStatus.CONFLICT);
	public static final ProblemType RUNTIME_UNAVAILABLE = new ProblemType("runtime-unavailable", "Runtime unavailable", HttpStatus.SERVICE_UNAVAILABLE);
	public static final ProblemType EXEC_TIMEOUT = new ProblemType("exec-timeout", "Command timed out", HttpStatus.GATEWAY_TIMEOUT);
	public static final ProblemType CLONE_FAILED = new ProblemType("repository-clone-failed", "Repository clone failed", HttpStatus.UNPROCESSABLE_CONTENT);
	public static final ProblemType IMAGE_NOT_FOUND = new ProblemType("image-not-found", "Image not found", HttpStatus.UNPROCESSABLE_CONTENT);
	public static final ProblemType NO_FREE_PORT = new ProblemType("no-free-port", "No free port", HttpStatus.CONFLICT);
	public static final ProblemType RUNTIME_FAILED = new ProblemType("runtime-failed", "Runtime operation failed", HttpStatus.BAD_GATEWAY);

	private WorkspaceProblems() {
	}

}
