/** Workspace internals: the stored workspace, its repository, settings, port allocation, homes and per-workspace ordering. */
@NullMarked
package dev.perch.workspace.internal;

import org.jspecify.annotations.NullMarked;
