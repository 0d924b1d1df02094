package dev.perch.config;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One setting as the API shows it.
 *
 * @param value the value in force
 * @param defaultValue the value from properties or the environment
 * @param source {@code api} when set through this API, {@code default} otherwise
 * @param allowedValues for enumerations, the values accepted
 */
record SettingView(String key, Object value, Object defaultValue, String source, String type,
		@JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> allowedValues, String description) {
}
