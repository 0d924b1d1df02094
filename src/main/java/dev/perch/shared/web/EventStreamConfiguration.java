package dev.perch.shared.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code ServerSentEvent} stream the server answers is written by {@link EventStreamWriter}: a
 * writer for that one element type is asked before Spring's own (which would flush once per event).
 */
@Configuration(proxyBeanMethods = false)
class EventStreamConfiguration implements WebFluxConfigurer {

	private final JsonMapper json;

	EventStreamConfiguration(JsonMapper json) {
		this.json = json;
	}

	@Override
	public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
		configurer.customCodecs().register(new EventStreamWriter(json));
	}

}
