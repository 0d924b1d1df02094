/** OpenCode's JSON shapes and how its events are read; internal to the adapter. */
@NullMarked
package dev.perch.opencode.wire;

import org.jspecify.annotations.NullMarked;
