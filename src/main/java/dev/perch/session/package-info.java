/** Agent sessions across OpenCode, Claude Code and Codex: discovery, the session_meta index, history, names, search, delete and usage extraction. This package is the module's API; sub-packages are internal. */
@NullMarked
package dev.perch.session;

import org.jspecify.annotations.NullMarked;
