/** Workspaces: lifecycle, exec, logs and ports, over the {@link dev.perch.workspace.WorkspaceRuntime} SPI. */
@NullMarked
package dev.perch.workspace;

import org.jspecify.annotations.NullMarked;
