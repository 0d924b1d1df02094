package dev.perch.workspace;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * A port of the workspace made reachable on the host, bound to 127.0.0.1 only.
 *
 * @param port the port inside the workspace
 * @param hostPort the port on the host; chosen from {@code perch.workspaces.ports} when absent
 */
public record PortForward(@NotNull @Min(1) @Max(65535) Integer port, @Nullable @Min(1024) @Max(65535) Integer hostPort) {
}
