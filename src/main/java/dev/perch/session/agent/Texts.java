package dev.perch.session.agent;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** Text helpers shared by the readers: trimmed titles, snippets, JSON-escaped search needles. */
public final class Texts {

	/** Longest title or first prompt kept in the index. */
	public static final int TITLE = 200;

	/** Longest text of one message part in a history page. */
	public static final int PART = 4000;

	/** Longest summary of a tool call's input or a tool's result. */
	public static final int TOOL = 300;

	/** Characters shown on each side of a search match. */
	public static final int SNIPPET_RADIUS = 60;

	private Texts() {
	}

	/** Whitespace collapsed to single spaces, cut at {@code max} characters with an ellipsis; null when blank. */
	public static @Nullable String oneLine(@Nullable String text, int max) {
		if (text == null) {
			return null;
		}
		String collapsed = text.strip().replaceAll("\\s+", " ");
		if (collapsed.isEmpty()) {
			return null;
		}
		return collapsed.length() > max ? collapsed.substring(0, max - 1) + "…" : collapsed;
	}

	/** A one-line snippet around the first case-insensitive occurrence of {@code needle}, or null. */
	public static @Nullable String snippet(@Nullable String text, String needle) {
		if (text == null) {
			return null;
		}
		int at = text.toLowerCase(Locale.ROOT).indexOf(needle);
		if (at < 0) {
			return null;
		}
		int from = Math.max(0, at - SNIPPET_RADIUS);
		int to = Math.min(text.length(), at + needle.length() + SNIPPET_RADIUS);
		String body = text.substring(from, to).replaceAll("\\s+", " ");
		return (from > 0 ? "…" : "") + body + (to < text.length() ? "…" : "");
	}

	/** The needle as it appears inside a JSON string (quotes, backslashes and control characters escaped). */
	public static String jsonEscaped(String needle) {
		StringBuilder out = new StringBuilder(needle.length() + 8);
		for (int i = 0; i < needle.length(); i++) {
			char c = needle.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

	/** Whether a raw JSON line could contain the (lower-case) needle in one of its strings: a cheap filter before parsing. */
	public static boolean mayContain(String rawLine, String needle, String escapedNeedle) {
		String lower = rawLine.toLowerCase(Locale.ROOT);
		return lower.contains(needle) || lower.contains(escapedNeedle);
	}

}
