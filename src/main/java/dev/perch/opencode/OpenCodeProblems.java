package dev.perch.opencode;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ProblemType;

/** The problem types of OpenCode sessions and servers. */
public final class OpenCodeProblems {

	public static final ProblemType SESSION_NOT_FOUND = new ProblemType("session-not-found", "Session not found", HttpStatus.NOT_FOUND);
	public static final ProblemType INVALID_SESSION_ID = new ProblemType("invalid-session-id", "Invalid session id", HttpStatus.BAD_REQUEST);
	public static final ProblemType UNAVAILABLE = new ProblemType("opencode-unavailable", "OpenCode unavailable", HttpStatus.BAD_GATEWAY);
	public static final ProblemType TIMEOUT = new ProblemType("opencode-timeout", "OpenCode did not answer in time", HttpStatus.GATEWAY_TIMEOUT);
	public static final ProblemType UPSTREAM_ERROR = new ProblemType("opencode-error", "OpenCode answered with an error", HttpStatus.BAD_GATEWAY);
	public static final ProblemType START_FAILED = new ProblemType("opencode-start-failed", "OpenCode server did not start", HttpStatus.BAD_GATEWAY);
	public static final ProblemType NO_FREE_PORT = new ProblemType("opencode-no-free-port", "No free port for OpenCode", HttpStatus.SERVICE_UNAVAILABLE);

	private OpenCodeProblems() {
	}

}
