package dev.perch.opencode;

import org.springframework.stereotype.Component;

import dev.perch.opencode.OpenCodeSettings.Limits;
import dev.perch.shared.settings.Settings;
import reactor.core.publisher.Mono;

/** Reads the current OpenCode settings, once per operation, so a change applies to the next one. */
@Component
public class OpenCodeLimits {

	private final OpenCodeSettings settings;

	private final Settings values;

	OpenCodeLimits(OpenCodeSettings settings, Settings values) {
		this.settings = settings;
		this.values = values;
	}

	public Mono<Limits> current() {
		return Mono.zip(values.get(settings.connectTimeout), values.get(settings.existenceTimeout),
				values.get(settings.requestTimeout), values.get(settings.firstEventTimeout), values.get(settings.idleTimeout),
				values.get(settings.turnTimeout), values.get(settings.idleStop), values.get(settings.replayBuffer))
			.map(t -> new Limits(t.getT1(), t.getT2(), t.getT3(), t.getT4(), t.getT5(), t.getT6(), t.getT7(), t.getT8()));
	}

}
