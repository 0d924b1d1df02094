package dev.perch.config;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.perch.shared.settings.Setting;
import dev.perch.shared.settings.Settings;
import dev.perch.shared.settings.SettingsContributor;
import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings of every module: defaults from properties and the environment, overridden by values set
 * through the API and stored in the database. Reads are served from a snapshot refreshed after every
 * write and at most {@code REFRESH} old, so other replicas see a change within that time.
 */
@Service
class SettingsService implements Settings {

	private static final Duration REFRESH = Duration.ofSeconds(5);

	private final Map<String, Setting<?>> definitions = new TreeMap<>();

	private final StoredSettingRepository repository;

	private final JsonMapper json;

	private final Clock clock;

	private final AtomicReference<Mono<Map<String, Object>>> snapshot = new AtomicReference<>();

	SettingsService(List<SettingsContributor> contributors, StoredSettingRepository repository, JsonMapper json,
			Clock clock) {
		contributors.forEach(contributor -> contributor.settings().forEach(setting -> {
			if (definitions.put(setting.key(), setting) != null) {
				throw new IllegalStateException("Setting " + setting.key() + " is declared twice");
			}
		}));
		this.repository = repository;
		this.json = json;
		this.clock = clock;
		refresh();
	}

	@Override
	public <T> Mono<T> get(Setting<T> setting) {
		return snapshot.get().map(values -> {
			Object stored = values.get(setting.key());
			if (stored != null) {
				try {
					return setting.type().parse(stored);
				}
				catch (IllegalArgumentException ex) {
					// a stored value that a newer version no longer accepts falls back to the default
				}
			}
			return setting.defaultValue().get();
		});
	}

	/** Every setting with its value, default and where the value comes from. */
	Mono<List<SettingView>> all() {
		return snapshot.get().map(values -> definitions.values().stream().map(setting -> view(setting, values)).toList());
	}

	/** Replaces every stored value: keys absent from {@code values} go back to their defaults. */
	@Transactional
	public Mono<List<SettingView>> replace(Map<String, @Nullable Object> values) {
		Map<String, Object> parsed = validate(values);
		return repository.deleteAll().thenMany(save(parsed)).then(reloaded());
	}

	/** Changes only the given keys; a {@code null} value removes the stored value (JSON merge patch). */
	@Transactional
	public Mono<List<SettingView>> patch(Map<String, @Nullable Object> values) {
		Map<String, Object> parsed = validate(values);
		List<String> removed = values.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
		return repository.deleteAllById(removed).thenMany(save(parsed)).then(reloaded());
	}

	private Flux<StoredSetting> save(Map<String, Object> parsed) {
		return Flux.fromIterable(parsed.entrySet())
			.concatMap(entry -> repository.findById(entry.getKey())
				.map(existing -> new StoredSetting(entry.getKey(), json.writeValueAsString(entry.getValue()),
						clock.instant().truncatedTo(ChronoUnit.MILLIS), existing.version()))
				.defaultIfEmpty(new StoredSetting(entry.getKey(), json.writeValueAsString(entry.getValue()),
						clock.instant().truncatedTo(ChronoUnit.MILLIS), null))
				.flatMap(repository::save));
	}

	private Mono<List<SettingView>> reloaded() {
		return Mono.defer(() -> {
			refresh();
			return all();
		});
	}

	/** Parses every value; a single bad key or value rejects the whole request with every error listed. */
	private Map<String, Object> validate(Map<String, @Nullable Object> values) {
		Map<String, Object> parsed = new LinkedHashMap<>();
		List<Map<String, String>> errors = new ArrayList<>();
		values.forEach((key, value) -> {
			Setting<?> setting = definitions.get(key);
			if (setting == null) {
				errors.add(Map.of("field", key, "message", "is not a setting; known settings: " + definitions.keySet()));
			}
			else if (value != null) {
				try {
					parsed.put(key, toJson(setting, value));
				}
				catch (IllegalArgumentException ex) {
					errors.add(Map.of("field", key, "message", String.valueOf(ex.getMessage())));
				}
			}
		});
		if (!errors.isEmpty()) {
			throw new ApiException(ProblemType.VALIDATION, "The configuration has " + errors.size()
					+ " invalid setting(s); nothing was changed.", Map.of("errors", errors));
		}
		return parsed;
	}

	private static <T> Object toJson(Setting<T> setting, Object value) {
		return setting.type().toJson(setting.type().parse(value));
	}

	private void refresh() {
		snapshot.set(repository.findAll()
			.collectMap(StoredSetting::settingKey, stored -> json.readValue(stored.settingValue(), Object.class))
			.cache(values -> REFRESH, error -> Duration.ZERO, () -> REFRESH));
	}

	private <T> SettingView view(Setting<T> setting, Map<String, Object> values) {
		Object defaultJson = setting.type().toJson(setting.defaultValue().get());
		Object stored = values.get(setting.key());
		boolean fromApi = stored != null;
		return new SettingView(setting.key(), fromApi ? stored : defaultJson, defaultJson,
				fromApi ? "api" : "default", setting.type().name(), setting.type().allowedValues(), setting.description());
	}

}
