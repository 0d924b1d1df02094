package dev.perch.chat;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ProblemType;

/** The problem types of chat turns. */
final class ChatProblems {

	static final ProblemType TURN_IN_PROGRESS = new ProblemType("turn-in-progress", "A turn is already running", HttpStatus.CONFLICT);

	static final ProblemType IDEMPOTENCY_KEY_USED = new ProblemType("idempotency-key-used",
			"This Idempotency-Key was already used", HttpStatus.CONFLICT);

	static final ProblemType TURN_FAILED = new ProblemType("turn-failed", "The turn failed", HttpStatus.BAD_GATEWAY);

	static final ProblemType TURN_TIMEOUT = new ProblemType("turn-timeout", "The turn took too long", HttpStatus.GATEWAY_TIMEOUT);

	/** A viewer read its stream too slowly to keep up (sent as the stream's final error event, never as a response status). */
	static final ProblemType VIEWER_TOO_SLOW = new ProblemType("viewer-too-slow", "The viewer fell too far behind",
			HttpStatus.TOO_MANY_REQUESTS);

	private ChatProblems() {
	}

}
