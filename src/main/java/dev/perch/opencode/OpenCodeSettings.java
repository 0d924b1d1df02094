package dev.perch.opencode;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.SettingType;
import dev.perch.shared.settings.SettingsContributor;

/** The OpenCode settings a user may change while Perch runs; defaults come from {@link OpenCodeProperties}. */
@Component
public class OpenCodeSettings implements SettingsContributor {

	final Setting<Duration> connectTimeout;

	final Setting<Duration> existenceTimeout;

	final Setting<Duration> requestTimeout;

	final Setting<Duration> firstEventTimeout;

	final Setting<Duration> idleTimeout;

	final Setting<Duration> turnTimeout;

	final Setting<Duration> idleStop;

	final Setting<Integer> replayBuffer;

	OpenCodeSettings(OpenCodeProperties properties) {
		this.connectTimeout = duration("opencode.connect-timeout", properties::connectTimeout, Duration.ofMillis(100),
				Duration.ofMinutes(1), "Bound of connecting to an OpenCode server and of its event stream's first answer.");
		this.existenceTimeout = duration("opencode.existence-timeout", properties::existenceTimeout,
				Duration.ofMillis(100), Duration.ofMinutes(1), "Bound of checking that a session exists before sending to it.");
		this.requestTimeout = duration("opencode.request-timeout", properties::requestTimeout, Duration.ofMillis(100),
				Duration.ofMinutes(5), "Bound of other OpenCode requests: create session, send, abort.");
		this.firstEventTimeout = duration("opencode.first-event-timeout", properties::firstEventTimeout,
				Duration.ofMillis(100), Duration.ofHours(1), "Bound from sending a message to the turn's first output.");
		this.idleTimeout = duration("opencode.idle-timeout", properties::idleTimeout, Duration.ofSeconds(11),
				Duration.ofHours(1), "Silence of OpenCode's event stream after which it counts as dead (it beats every 10 s).");
		this.turnTimeout = duration("opencode.turn-timeout", properties::turnTimeout, Duration.ofSeconds(1),
				Duration.ofHours(24), "Bound of a whole turn; Perch aborts the turn upstream when it passes.");
		this.idleStop = duration("opencode.idle-stop", properties::idleStop, Duration.ofSeconds(1), Duration.ofDays(7),
				"An OpenCode server without viewers or turns for this long is stopped.");
		this.replayBuffer = new Setting<>("opencode.replay-buffer", SettingType.integer(1, 100_000),
				properties::replayBuffer, "Events kept per session for Last-Event-ID replay.");
	}

	private static Setting<Duration> duration(String key, java.util.function.Supplier<Duration> value, Duration min,
			Duration max, String description) {
		return new Setting<>(key, SettingType.duration(min, max), value, description);
	}

	@Override
	public List<Setting<?>> settings() {
		return List.of(connectTimeout, existenceTimeout, requestTimeout, firstEventTimeout, idleTimeout, turnTimeout,
				idleStop, replayBuffer);
	}

	/** A snapshot of the settings. */
	public record Limits(Duration connectTimeout, Duration existenceTimeout, Duration requestTimeout,
			Duration firstEventTimeout, Duration idleTimeout, Duration turnTimeout, Duration idleStop,
			int replayBuffer) {
	}

}
