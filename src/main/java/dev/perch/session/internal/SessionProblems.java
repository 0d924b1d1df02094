package dev.perch.session.internal;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ProblemType;

/** The problem types of the session module. */
public final class SessionProblems {

	public static final ProblemType NOT_FOUND = new ProblemType("session-not-found", "Session not found", HttpStatus.NOT_FOUND);
	public static final ProblemType UNKNOWN_AGENT = new ProblemType("unknown-agent", "Unknown agent", HttpStatus.BAD_REQUEST);
	public static final ProblemType INVALID_ID = new ProblemType("invalid-session-id", "Invalid session id", HttpStatus.BAD_REQUEST);
	public static final ProblemType INVALID_CURSOR = new ProblemType("invalid-cursor", "Invalid cursor", HttpStatus.BAD_REQUEST);
	public static final ProblemType INVALID_QUERY = new ProblemType("invalid-search-query", "Invalid search query", HttpStatus.BAD_REQUEST);

	private SessionProblems() {
	}

	/** A user-supplied value fit to echo in a problem: control characters replaced, at most 80 characters. */
	public static String printable(String value) {
		String cleaned = value.codePoints()
			.map(c -> Character.isISOControl(c) ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return cleaned.length() > 80 ? cleaned.substring(0, 80) + "…" : cleaned;
	}

}
