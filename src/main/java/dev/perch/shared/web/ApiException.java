package dev.perch.shared.web;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The one base class of domain errors: it carries a {@link ProblemType} and a human detail, and
 * {@link ApiExceptionHandler} turns it into an RFC 9457 problem.
 */
public class ApiException extends ErrorResponseException {

	private final ProblemType problemType;

	public ApiException(ProblemType type, String detail) {
		this(type, detail, Map.of(), null);
	}

	public ApiException(ProblemType type, String detail, Map<String, ?> properties) {
		this(type, detail, properties, null);
	}

	public ApiException(ProblemType type, String detail, Map<String, ?> properties, @Nullable Throwable cause) {
		super(type.status(), problem(type, detail, properties), cause);
		this.problemType = type;
	}

	public ProblemType problemType() {
		return problemType;
	}

	@Override
	public String getMessage() {
		return problemType.slug() + ": " + getBody().getDetail();
	}

	private static ProblemDetail problem(ProblemType type, String detail, Map<String, ?> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
		problem.setType(type.type());
		problem.setTitle(type.title());
		properties.forEach(problem::setProperty);
		return problem;
	}

}
