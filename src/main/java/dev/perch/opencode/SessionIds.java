package dev.perch.opencode;

import java.util.regex.Pattern;

/** OpenCode session ids: {@code ses_} and letters and digits; anything else never reaches OpenCode. */
public final class SessionIds {

	private static final Pattern ID = Pattern.compile("ses_[A-Za-z0-9]{8,64}");

	private SessionIds() {
	}

	public static boolean isValid(String id) {
		return ID.matcher(id).matches();
	}

	/** The id, or an {@link OpenCodeException} (400) when it is not of OpenCode's form. */
	public static String check(String id) {
		if (!isValid(id)) {
			throw OpenCodeException.invalidSessionId(id);
		}
		return id;
	}

}
