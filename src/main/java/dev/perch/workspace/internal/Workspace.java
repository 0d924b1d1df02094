package dev.perch.workspace.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;

import dev.perch.workspace.WorkspaceStatus;

/**
 * A stored workspace. {@code env} and {@code ports} are JSON text; {@code status} is the last status
 * the runtime reported (the API always asks the runtime again).
 */
public record Workspace(@Id String name, String runtime, @Nullable String image, String status, @Nullable String repository,
		String env, String ports, @Nullable String runtimeId, Instant createdAt, Instant lastUsedAt,
		@Version @Nullable Long version) {

	public Workspace withStatus(WorkspaceStatus newStatus) {
		return new Workspace(name, runtime, image, newStatus.json(), repository, env, ports, runtimeId, createdAt,
				lastUsedAt, version);
	}

	public Workspace withRuntimeId(@Nullable String id) {
		return new Workspace(name, runtime, image, status, repository, env, ports, id, createdAt, lastUsedAt, version);
	}

	public Workspace withPorts(String newPorts) {
		return new Workspace(name, runtime, image, status, repository, env, newPorts, runtimeId, createdAt, lastUsedAt,
				version);
	}

	public Workspace usedAt(Instant when) {
		return new Workspace(name, runtime, image, status, repository, env, ports, runtimeId, createdAt, when, version);
	}

}
