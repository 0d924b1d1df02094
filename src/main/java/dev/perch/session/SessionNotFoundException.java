package dev.perch.session;

import java.util.Map;

import dev.perch.session.internal.SessionProblems;
import dev.perch.shared.web.ApiException;

/** No session of this agent with this id in the workspace: a 404 problem. */
public class SessionNotFoundException extends ApiException {

	public SessionNotFoundException(String workspace, Agent agent, String id) {
		super(SessionProblems.NOT_FOUND,
				"Workspace '" + workspace + "' has no " + agent.json() + " session '" + id + "'.",
				Map.of("workspace", workspace, "agent", agent.json(), "sessionId", id));
	}

}
