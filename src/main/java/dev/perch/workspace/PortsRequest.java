package dev.perch.workspace;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The complete list of port forwards of a workspace. */
public record PortsRequest(@NotNull @Size(max = 100) List<@Valid @NotNull PortForward> ports) {
}
