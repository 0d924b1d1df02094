/**
 * The outbound OpenCode adapter: one managed {@code opencode serve} per workspace (started on demand,
 * health-checked, reused, stopped when idle), its HTTP API with bounded timeouts and typed failures,
 * and one shared event subscription per server. {@code wire} holds OpenCode's JSON shapes and is internal.
 */
@NullMarked
package dev.perch.opencode;

import org.jspecify.annotations.NullMarked;
