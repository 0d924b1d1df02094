package dev.perch.shared.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;

/** Builds problem bodies as plain maps, so they serialise the same in responses and SSE error events. */
public final class Problems {

	private Problems() {
	}

	public static ProblemDetail of(ProblemType type, String detail) {
		return new ApiException(type, detail).getBody();
	}

	/** The JSON members of a problem in RFC 9457 order, extension members last. */
	public static Map<String, Object> toMap(ProblemDetail problem) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		putIfPresent(body, "title", problem.getTitle());
		body.put("status", problem.getStatus());
		putIfPresent(body, "detail", problem.getDetail());
		putIfPresent(body, "instance", problem.getInstance() == null ? null : problem.getInstance().toString());
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		return body;
	}

	private static void putIfPresent(Map<String, Object> body, String key, @Nullable Object value) {
		if (value != null) {
			body.put(key, value);
		}
	}

}
