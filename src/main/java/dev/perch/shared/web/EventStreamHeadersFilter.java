package dev.perch.shared.web;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/** Adds the headers that keep proxies from caching or buffering an event stream. */
@Component
class EventStreamHeadersFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getResponse().beforeCommit(() -> {
			var headers = exchange.getResponse().getHeaders();
			MediaType type = headers.getContentType();
			if (type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
				headers.setCacheControl("no-cache");
				headers.set("X-Accel-Buffering", "no");
			}
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

}
