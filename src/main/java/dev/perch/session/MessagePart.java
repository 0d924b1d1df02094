package dev.perch.session;

import org.jspecify.annotations.Nullable;

/**
 * A part of a message: {@code text}, {@code reasoning}, {@code tool_call} (tool name, input summarised) or
 * {@code tool_result} (output summarised). Long texts are cut, with {@code truncated} set.
 */
public record MessagePart(String type, @Nullable String text, @Nullable String tool, @Nullable String callId,
		boolean truncated) {

	public static MessagePart text(String type, String text, int max) {
		boolean cut = text.length() > max;
		return new MessagePart(type, cut ? text.substring(0, max) : text, null, null, cut);
	}

	public static MessagePart tool(String type, @Nullable String tool, @Nullable String callId, String text, int max) {
		boolean cut = text.length() > max;
		return new MessagePart(type, cut ? text.substring(0, max) : text, tool, callId, cut);
	}

}
