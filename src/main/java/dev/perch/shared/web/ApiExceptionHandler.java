package dev.perch.shared.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every error that reaches the web layer into an RFC 9457 problem: domain errors, framework
 * errors (malformed bodies, validation, unknown routes, wrong methods and media types) and, last,
 * unexpected failures, which are logged once with a correlation id and never echoed.
 */
@Component
@Order(-2)
public class ApiExceptionHandler implements WebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private final JsonMapper json;

	public ApiExceptionHandler(JsonMapper json) {
		this.json = json;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(error);
		}
		ProblemDetail problem = toProblem(exchange, error);
		problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
		response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (error instanceof MethodNotAllowedException notAllowed) {
			response.getHeaders().setAllow(notAllowed.getSupportedMethods());
		}
		if (error instanceof ApiException api) {
			api.getHeaders().forEach((name, values) -> response.getHeaders().put(name, values));
		}
		if (error instanceof TransientDataAccessException) {
			response.getHeaders().set("Retry-After", "1");
		}
		byte[] body = json.writeValueAsBytes(Problems.toMap(problem));
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	/** The problem for an error, public so SSE streams can end with the same body in an error event. */
	public ProblemDetail toProblem(ServerWebExchange exchange, Throwable error) {
		if (error instanceof ApiException api) {
			return api.getBody();
		}
		if (error instanceof WebExchangeBindException bind) {
			return validation(bind.getFieldErrors().stream().map(ApiExceptionHandler::fieldError).toList());
		}
		if (error instanceof HandlerMethodValidationException validation) {
			return validation(validation.getParameterValidationResults().stream()
				.flatMap(result -> result.getResolvableErrors().stream()
					.map(e -> Map.of("field", parameterName(result.getMethodParameter().getParameterName(), e),
						"message", String.valueOf(e.getDefaultMessage()))))
				.toList());
		}
		if (error instanceof jakarta.validation.ConstraintViolationException violations) {
			return validation(violations.getConstraintViolations().stream()
				.map(v -> Map.of("field", lastNode(v.getPropertyPath().toString()), "message", v.getMessage()))
				.toList());
		}
		if (error instanceof ServerWebInputException input) {
			return inputProblem(input);
		}
		if (error instanceof UnsupportedMediaTypeStatusException media) {
			return Problems.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content type " + media.getContentType()
					+ " is not supported here; use one of " + media.getSupportedMediaTypes() + ".");
		}
		if (error instanceof NotAcceptableStatusException accept) {
			return Problems.of(ProblemType.NOT_ACCEPTABLE,
					"This resource can produce only " + accept.getSupportedMediaTypes() + ".");
		}
		if (error instanceof MethodNotAllowedException method) {
			return Problems.of(ProblemType.METHOD_NOT_ALLOWED, "Method " + method.getHttpMethod() + " is not allowed on "
					+ exchange.getRequest().getPath().value() + "; allowed: " + method.getSupportedMethods() + ".");
		}
		if (error instanceof DataBufferLimitException) {
			return Problems.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body is larger than this endpoint accepts.");
		}
		if (error instanceof ResponseStatusException status) {
			return statusProblem(exchange, status);
		}
		if (error instanceof TransientDataAccessException busy) {
			// lock wait timeouts and deadlock victims: the statement was rolled back and may succeed if retried
			log.warn("Database busy on {} {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath().value(), busy.getMostSpecificCause().toString());
			return Problems.of(ProblemType.DATABASE_BUSY, "The database was busy (a lock wait timed out or a deadlock "
					+ "was broken) and this request's changes were rolled back; retry it.");
		}
		String correlationId = UUID.randomUUID().toString();
		log.error("Unexpected error on {} {} [correlation id {}]", exchange.getRequest().getMethod(),
				exchange.getRequest().getPath().value(), correlationId, error);
		ProblemDetail problem = Problems.of(ProblemType.INTERNAL,
				"An unexpected error occurred. Quote correlation id " + correlationId + " when reporting it.");
		problem.setProperty("correlationId", correlationId);
		return problem;
	}

	private ProblemDetail inputProblem(ServerWebInputException input) {
		Throwable cause = input.getCause();
		while (cause != null) {
			if (cause instanceof DataBufferLimitException) {
				return Problems.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body is larger than this endpoint accepts.");
			}
			cause = cause.getCause();
		}
		if (input instanceof MissingRequestValueException missing) {
			return Problems.of(ProblemType.MALFORMED_REQUEST,
					"Required " + missing.getLabel() + " '" + missing.getName() + "' is missing.");
		}
		if (input.getCause() instanceof DecodingException) {
			return Problems.of(ProblemType.MALFORMED_REQUEST,
					"The request body is not valid JSON for this endpoint: " + decodingDetail(input.getCause()));
		}
		String parameter = input.getMethodParameter() == null ? null : input.getMethodParameter().getParameterName();
		return Problems.of(ProblemType.MALFORMED_REQUEST, parameter == null
				? String.valueOf(input.getReason())
				: "Parameter '" + parameter + "' has an invalid value.");
	}

	private static String decodingDetail(Throwable decoding) {
		// Jackson's messages name the offending field and position, never server internals; keep the first line.
		Throwable root = decoding.getCause() == null ? decoding : decoding.getCause();
		String message = String.valueOf(root.getMessage());
		int newline = message.indexOf('\n');
		String first = newline < 0 ? message : message.substring(0, newline);
		return first.length() > 300 ? first.substring(0, 300) + "…" : first;
	}

	private static ProblemDetail statusProblem(ServerWebExchange exchange, ResponseStatusException status) {
		HttpStatusCode code = status.getStatusCode();
		if (code.value() == HttpStatus.NOT_FOUND.value()) {
			return Problems.of(ProblemType.NOT_FOUND, "No resource at " + exchange.getRequest().getMethod() + " "
					+ exchange.getRequest().getPath().value() + ".");
		}
		if (code.value() == HttpStatus.CONTENT_TOO_LARGE.value()) {
			return Problems.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body is larger than this endpoint accepts.");
		}
		HttpStatus resolved = HttpStatus.resolve(code.value());
		String title = resolved == null ? "Error" : resolved.getReasonPhrase();
		ProblemType type = new ProblemType(title.toLowerCase().replace(' ', '-'), title,
				resolved == null ? HttpStatus.INTERNAL_SERVER_ERROR : resolved);
		return Problems.of(type, status.getReason() == null ? title + "." : status.getReason());
	}

	private static ProblemDetail validation(List<Map<String, String>> errors) {
		ProblemDetail problem = Problems.of(ProblemType.VALIDATION, errors.isEmpty()
				? "The request is not valid."
				: "The request has " + errors.size() + " invalid field(s): " + errors.stream()
					.map(e -> e.get("field")).distinct().toList() + ".");
		problem.setProperty("errors", errors);
		return problem;
	}

	private static String lastNode(String path) {
		int dot = path.lastIndexOf('.');
		return dot < 0 ? path : path.substring(dot + 1);
	}

	private static Map<String, String> fieldError(FieldError error) {
		return Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage()));
	}

	private static String parameterName(@Nullable String parameter, MessageSourceResolvable error) {
		if (error instanceof FieldError field) {
			return field.getField();
		}
		return parameter == null ? "request" : parameter;
	}

}
