package dev.perch.opencode.wire;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code GET /session/{id}} and {@code POST /session}: the members Perch reads. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionJson(@Nullable String id, @Nullable String directory, @Nullable String title, @Nullable Time time) {

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Time(@Nullable Long created) {
	}

}
