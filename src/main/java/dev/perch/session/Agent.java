package dev.perch.session;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.perch.session.internal.SessionProblems;
import dev.perch.shared.web.ApiException;

/**
 * The agents whose sessions Perch reads; {@link #json()} is the name in paths and JSON, {@link #isValidId}
 * the format of its session ids (checked before any path is built from one).
 */
public enum Agent {

	OPENCODE("ses_[A-Za-z0-9]{10,60}"), CLAUDE(Agent.UUID), CODEX(Agent.UUID);

	/** A lower-case UUID: the session ids of Claude Code and Codex. */
	private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

	private final Pattern id;

	Agent(String id) {
		this.id = Pattern.compile(id);
	}

	public boolean isValidId(String id) {
		return this.id.matcher(id).matches();
	}

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
