package dev.perch.shared.settings;

import reactor.core.publisher.Mono;

/** Reads the current value of a setting: the one set through the API if any, else the configured default. */
public interface Settings {

	<T> Mono<T> get(Setting<T> setting);

}
