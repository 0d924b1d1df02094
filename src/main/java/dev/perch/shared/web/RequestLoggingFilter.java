package dev.perch.shared.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON line per request (method, path, status, duration, client address), when
 * {@code perch.web.request-logging=true}. The client address is the peer's, or the one a trusted proxy forwarded.
 * Always registered and switched by the property rather than by a bean condition: conditions are fixed
 * at build time when {@code spring-boot:run} starts from ahead-of-time processed bean definitions.
 */
@Component
class RequestLoggingFilter implements WebFilter {

	private static final Logger log = LoggerFactory.getLogger("dev.perch.requests");

	private final JsonMapper json;

	private final boolean enabled;

	RequestLoggingFilter(JsonMapper json, @Value("${perch.web.request-logging:false}") boolean enabled) {
		this.json = json;
		this.enabled = enabled;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!enabled) {
			return chain.filter(exchange);
		}
		long started = System.nanoTime();
		return chain.filter(exchange).doFinally(signal -> log.info(line(exchange, started)));
	}

	private String line(ServerWebExchange exchange, long started) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("method", exchange.getRequest().getMethod().name());
		entry.put("path", exchange.getRequest().getPath().value());
		var status = exchange.getResponse().getStatusCode();
		entry.put("status", status == null ? 200 : status.value());
		entry.put("durationMs", (System.nanoTime() - started) / 1_000_000);
		var client = exchange.getRequest().getRemoteAddress();
		if (client != null) {
			entry.put("client", client.getHostString());
		}
		return json.writeValueAsString(entry);
	}

}
