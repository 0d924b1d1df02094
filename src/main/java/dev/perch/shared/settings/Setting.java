package dev.perch.shared.settings;

import java.util.function.Supplier;

/**
 * A setting a user may change while Perch runs. Modules declare theirs as beans; the default comes
 * from the module's configuration properties, and a value set through the configuration API wins.
 *
 * @param key dotted key, e.g. {@code workspaces.default-runtime}
 * @param type how values are parsed and validated
 * @param defaultValue the value from properties or the environment
 * @param description one sentence for the configuration API and docs
 */
public record Setting<T>(String key, SettingType<T> type, Supplier<T> defaultValue, String description) {

	public Setting {
		if (!key.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+")) {
			throw new IllegalArgumentException("Setting keys are dotted kebab-case: " + key);
		}
	}

}
