package dev.perch.opencode.wire;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of {@code POST /session/{id}/prompt_async}: text parts and an optional model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptJson(List<TextPart> parts, @Nullable Model model, @Nullable String agent) {

	public record TextPart(String type, String text) {

		public static TextPart of(String text) {
			return new TextPart("text", text);
		}

	}

	public record Model(String providerID, String modelID) {

		/** {@code provider/model}, as OpenCode's config writes it, or null when it has no slash. */
		public static @Nullable Model parse(@Nullable String model) {
			if (model == null || model.indexOf('/') <= 0 || model.endsWith("/")) {
				return null;
			}
			int slash = model.indexOf('/');
			return new Model(model.substring(0, slash), model.substring(slash + 1));
		}

	}

}
