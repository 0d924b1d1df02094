package dev.perch.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

class RequestLoggingFilterTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger("dev.perch.requests");

	private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

	@BeforeEach
	void capture() {
		lines.start();
		logger.addAppender(lines);
	}

	@AfterEach
	void release() {
		logger.detachAppender(lines);
	}

	@Test
	void writesOneJsonLinePerRequestWhenEnabled() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/v1/workspaces?status=running"));
		WebFilterChain chain = served -> {
			served.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return Mono.empty();
		};

		new RequestLoggingFilter(JsonMapper.builder().build(), true).filter(exchange, chain).block(Duration.ofSeconds(5));

		assertThat(lines.list).singleElement()
			.extracting(ILoggingEvent::getFormattedMessage)
			.asString()
			.startsWith("{\"method\":\"GET\",\"path\":\"/api/v1/workspaces\",\"status\":404,\"durationMs\":")
			.doesNotContain("status=running");
	}

	@Test
	void namesTheClientAddress() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/workspaces")
			.remoteAddress(new java.net.InetSocketAddress("192.0.2.7", 50123)));

		new RequestLoggingFilter(JsonMapper.builder().build(), true).filter(exchange, served -> Mono.empty())
			.block(Duration.ofSeconds(5));

		assertThat(lines.list).singleElement()
			.extracting(ILoggingEvent::getFormattedMessage)
			.asString()
			.endsWith(",\"client\":\"192.0.2.7\"}");
	}

	@Test
	void writesNothingWhenDisabled() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/workspaces"));

		new RequestLoggingFilter(JsonMapper.builder().build(), false).filter(exchange, served -> Mono.empty())
			.block(Duration.ofSeconds(5));

		assertThat(lines.list).isEmpty();
	}

}
