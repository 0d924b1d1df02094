/** The zero-configuration runtime: a host directory per workspace and host processes. */
@NullMarked
package dev.perch.workspace.runtime.local;

import org.jspecify.annotations.NullMarked;
