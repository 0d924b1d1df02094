package dev.perch.shared.web;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * The kind of a problem: a stable {@code type} URI, a fixed title and the HTTP status it answers with.
 * Modules declare their own as constants next to their exceptions.
 */
public record ProblemType(String slug, String title, HttpStatus status) {

	public static final String BASE = "https://perch.dev/problems/";

	public static final ProblemType MALFORMED_REQUEST = new ProblemType("malformed-request", "Malformed request", HttpStatus.BAD_REQUEST);
	public static final ProblemType VALIDATION = new ProblemType("validation-failed", "Validation failed", HttpStatus.BAD_REQUEST);
	public static final ProblemType UNAUTHORIZED = new ProblemType("unauthorized", "Authentication required", HttpStatus.UNAUTHORIZED);
	public static final ProblemType FORBIDDEN = new ProblemType("forbidden", "Forbidden", HttpStatus.FORBIDDEN);
	public static final ProblemType NOT_FOUND = new ProblemType("not-found", "Not found", HttpStatus.NOT_FOUND);
	public static final ProblemType METHOD_NOT_ALLOWED = new ProblemType("method-not-allowed", "Method not allowed", HttpStatus.METHOD_NOT_ALLOWED);
	public static final ProblemType NOT_ACCEPTABLE = new ProblemType("not-acceptable", "Not acceptable", HttpStatus.NOT_ACCEPTABLE);
	public static final ProblemType CONFLICT = new ProblemType("conflict", "Conflict", HttpStatus.CONFLICT);
	public static final ProblemType PAYLOAD_TOO_LARGE = new ProblemType("payload-too-large", "Payload too large", HttpStatus.CONTENT_TOO_LARGE);
	public static final ProblemType UNSUPPORTED_MEDIA_TYPE = new ProblemType("unsupported-media-type", "Unsupported media type", HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	public static final ProblemType INTERNAL = new ProblemType("internal-error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR);
	public static final ProblemType DATABASE_BUSY = new ProblemType("database-busy", "Database busy", HttpStatus.SERVICE_UNAVAILABLE);
	public static final ProblemType SHUTTING_DOWN = new ProblemType("shutting-down", "Shutting down", HttpStatus.SERVICE_UNAVAILABLE);
	public static final ProblemType UNAVAILABLE = new ProblemType("service-unavailable", "Service unavailable", HttpStatus.SERVICE_UNAVAILABLE);

	public URI type() {
		return URI.create(BASE + slug);
	}

}
