package dev.perch.usage.internal;

import java.util.Locale;

/** How a price names its models: one exact id, or a regular expression matching the whole id. */
public enum MatchKind {

	EXACT, PATTERN;

	public String json() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static MatchKind parse(String text) {
		return valueOf(text.toUpperCase(Locale.ROOT));
	}

}
