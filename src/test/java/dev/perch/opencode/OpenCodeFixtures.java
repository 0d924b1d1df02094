package dev.perch.opencode;

import java.time.Duration;
import java.util.Map;

import org.springframework.web.reactive.function.client.WebClient;

import dev.perch.opencode.wire.EventReader;
import dev.perch.shared.settings.PortRange;
import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.Settings;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Static factories for adapter tests: properties with short bounds, settings without a database, a client. */
public final class OpenCodeFixtures {

	private OpenCodeFixtures() {
	}

	/** Short bounds so fault tests end quickly (yet not flaky on a busy machine): connect, existence and requests 1.5 s. */
	public static OpenCodeProperties properties() {
		return new OpenCodeProperties("opencode", "1.18.33", PortRange.parse("4100-4199"), Map.of(),
				Duration.ofSeconds(30), Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofMillis(1500),
				Duration.ofSeconds(5), Duration.ofSeconds(11), Duration.ofMinutes(1), Duration.ofMinutes(15), 100);
	}

	/** Bounds for tests where nothing should time out, generous for a busy machine: 10 s. */
	public static OpenCodeProperties relaxed() {
		OpenCodeProperties p = properties();
		Duration ten = Duration.ofSeconds(10);
		return new OpenCodeProperties(p.binary(), p.version(), p.ports(), p.env(), p.startupTimeout(), ten, ten, ten,
				p.firstEventTimeout(), Duration.ofSeconds(30), p.turnTimeout(), p.idleStop(), p.replayBuffer());
	}

	public static OpenCodeProperties properties(Duration idleTimeout) {
		OpenCodeProperties p = properties();
		return new OpenCodeProperties(p.binary(), p.version(), p.ports(), p.env(), p.startupTimeout(),
				p.connectTimeout(), p.existenceTimeout(), p.requestTimeout(), p.firstEventTimeout(), idleTimeout,
				p.turnTimeout(), p.idleStop(), p.replayBuffer());
	}

	/** Settings that always answer the configured default. */
	public static Settings defaults() {
		return new Settings() {
			@Override
			public <T> Mono<T> get(Setting<T> setting) {
				return Mono.fromSupplier(setting.defaultValue());
			}
		};
	}

	public static OpenCodeLimits settings(OpenCodeProperties properties) {
		return new OpenCodeLimits(new OpenCodeSettings(properties), defaults());
	}

	public static OpenCodeClient client(String baseUrl, OpenCodeProperties properties) {
		WebClient web = WebClient.builder().baseUrl(baseUrl).build();
		return new OpenCodeClient(web, settings(properties), new EventReader(JsonMapper.builder().build()));
	}

	public static String event(String type, String properties) {
		return "data: {\"payload\":{\"id\":\"evt_1\",\"type\":\"" + type + "\",\"properties\":" + properties + "}}\n\n";
	}

	public static String connected() {
		return event("server.connected", "{}");
	}

}
