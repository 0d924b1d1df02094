package dev.perch.shared.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionHandlerTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private final ApiExceptionHandler handler = new ApiExceptionHandler(json);

	@Test
	void answersALockTimeoutWithARetryableDatabaseBusyProblem() {
		MockServerWebExchange exchange = exchange();

		handler.handle(exchange, new QueryTimeoutException("Timeout trying to lock table")).block(Duration.ofSeconds(5));

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
		JsonNode problem = body(exchange);
		assertThat(problem.path("type").asString()).isEqualTo("https://perch.dev/problems/database-busy");
		assertThat(problem.path("detail").asString()).contains("rolled back").doesNotContain("lock table");
	}

	@Test
	void answersADeadlockVictimWithTheSameProblem() {
		MockServerWebExchange exchange = exchange();

		handler.handle(exchange, new CannotAcquireLockException("deadlock detected")).block(Duration.ofSeconds(5));

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(exchange).path("type").asString()).isEqualTo("https://perch.dev/problems/database-busy");
	}

	@Test
	void keepsOtherDatabaseErrorsInternalWithoutEchoingThem() {
		MockServerWebExchange exchange = exchange();

		handler.handle(exchange, new DataIntegrityViolationException("secret constraint text")).block(Duration.ofSeconds(5));

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(exchange.getResponse().getHeaders().containsHeader("Retry-After")).isFalse();
		JsonNode problem = body(exchange);
		assertThat(problem.path("type").asString()).isEqualTo("https://perch.dev/problems/internal-error");
		assertThat(problem.toString()).doesNotContain("secret constraint text");
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/usage/records"));
	}

	private JsonNode body(MockServerWebExchange exchange) {
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		String text = exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5));
		return json.readTree(text);
	}

}
