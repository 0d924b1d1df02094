package dev.perch.config;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/config")
@Tag(name = "Configuration")
class ConfigController {

	private final SettingsService settings;

	ConfigController(SettingsService settings) {
		this.settings = settings;
	}

	@GetMapping
	@Operation(summary = "Every runtime setting with its value, default and source")
	Mono<ConfigResponse> get() {
		return settings.all().map(ConfigResponse::new);
	}

	@PutMapping
	@Operation(summary = "Replace the settings set through the API ({key: value}); absent keys return to their defaults")
	Mono<ConfigResponse> replace(@RequestBody Map<String, @Nullable Object> values) {
		return settings.replace(values).map(ConfigResponse::new);
	}

	@PatchMapping(consumes = { "application/json", "application/merge-patch+json" })
	@Operation(summary = "Change single settings ({key: value}); null returns a key to its default")
	Mono<ConfigResponse> patch(@RequestBody Map<String, @Nullable Object> values) {
		return settings.patch(values).map(ConfigResponse::new);
	}

	record ConfigResponse(List<SettingView> settings) {
	}

}
