package dev.perch.opencode.wire;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code GET /global/health}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthJson(boolean healthy, @Nullable String version) {
}
