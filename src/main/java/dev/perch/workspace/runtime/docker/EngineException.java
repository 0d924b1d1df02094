package dev.perch.workspace.runtime.docker;

/**
 * The engine answered a request with an error status; {@link #message()} is the engine's own message
 * ({@code No such container: …}). Failures to reach the engine at all are not this exception.
 */
final class EngineException extends RuntimeException {

	private final int status;

	EngineException(int status, String message) {
		super(status + " " + message, null, false, false);
		this.status = status;
	}

	int status() {
		return status;
	}

	String message() {
		String text = getMessage();
		return text.substring(text.indexOf(' ') + 1);
	}

	boolean isNotFound() {
		return status == 404;
	}

	boolean isConflict() {
		return status == 409;
	}

}
