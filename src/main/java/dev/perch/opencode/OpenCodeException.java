package dev.perch.opencode;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;
import dev.perch.shared.settings.SettingType;

/** A failure of OpenCode or of talking to it, typed so the API answers with the right problem. */
public class OpenCodeException extends ApiException {

	OpenCodeException(ProblemType type, String detail, Map<String, ?> properties, @Nullable Throwable cause) {
		super(type, detail, properties, cause);
	}

	public static OpenCodeException sessionNotFound(String sessionId) {
		return new OpenCodeException(OpenCodeProblems.SESSION_NOT_FOUND, "The OpenCode server of this workspace does not know session '"
				+ sessionId + "', so nothing was sent. This happens when the session was created by the opencode CLI with another "
				+ "data directory (its own ~/.local/share/opencode rather than the workspace's), when the server was restarted "
				+ "with fresh state, or when the id is mistyped. List the sessions Perch can see, or create a new one.",
				Map.of("sessionId", sessionId), null);
	}

	public static OpenCodeException invalidSessionId(String sessionId) {
		return new OpenCodeException(OpenCodeProblems.INVALID_SESSION_ID, "'" + abbreviate(sessionId)
				+ "' is not an OpenCode session id; they look like ses_ followed by letters and digits.", Map.of(), null);
	}

	static OpenCodeException unavailable(String what, Throwable cause) {
		return new OpenCodeException(OpenCodeProblems.UNAVAILABLE, "OpenCode could not be reached (" + what + ").",
				Map.of(), cause);
	}

	static OpenCodeException timeout(String what, Duration bound, @Nullable Throwable cause) {
		return new OpenCodeException(OpenCodeProblems.TIMEOUT, "OpenCode did not answer " + what + " within "
				+ SettingType.print(bound) + ".", Map.of("timeout", SettingType.print(bound)), cause);
	}

	static OpenCodeException upstream(String what, int status) {
		return new OpenCodeException(OpenCodeProblems.UPSTREAM_ERROR, "OpenCode answered " + what + " with status "
				+ status + ".", Map.of("upstreamStatus", status), null);
	}

	static OpenCodeException malformed(String what) {
		return new OpenCodeException(OpenCodeProblems.UPSTREAM_ERROR, "OpenCode answered " + what
				+ " with something that is not the expected JSON.", Map.of(), null);
	}

	static OpenCodeException startFailed(String workspace, String why) {
		return new OpenCodeException(OpenCodeProblems.START_FAILED, "The OpenCode server of workspace '" + workspace
				+ "' did not start: " + why + " See .perch/opencode.log in the workspace home.", Map.of("workspace", workspace), null);
	}

	static OpenCodeException noFreePort(String range) {
		return new OpenCodeException(OpenCodeProblems.NO_FREE_PORT, "No free port is left in " + range
				+ " for another OpenCode server; widen perch.opencode.ports.", Map.of("range", range), null);
	}

	private static String abbreviate(String text) {
		String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
		return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
	}

}
