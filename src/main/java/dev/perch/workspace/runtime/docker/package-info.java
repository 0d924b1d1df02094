/** The Docker Engine runtime: a container per workspace, over the engine API on its unix socket. */
@NullMarked
package dev.perch.workspace.runtime.docker;

import org.jspecify.annotations.NullMarked;
