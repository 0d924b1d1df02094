package dev.perch.session;

import java.util.Locale;
import java.util.Map;

import dev.perch.session.internal.SessionProblems;
import dev.perch.shared.web.ApiException;

/** The agents whose sessions Perch reads; {@link #json()} is the name in paths and JSON. */
public enum Agent {

	OPENCODE, CLAUDE, CODEX;

	public String json() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The agent named in a request; an unknown name is a 400 problem. */
	public static Agent parse(String name) {
		for (Agent agent : values()) {
			if (agent.json().equals(name)) {
				return agent;
			}
		}
		throw new ApiException(SessionProblems.UNKNOWN_AGENT,
				"Unknown agent '" + SessionProblems.printable(name) + "'; use one of opencode, claude, codex.",
				Map.of("agent", SessionProblems.printable(name)));
	}

}
