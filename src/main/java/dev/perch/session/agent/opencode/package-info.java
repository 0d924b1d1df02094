/** Internal: OpenCode sessions in its SQLite storage ({@code opencode.db}). */
@NullMarked
package dev.perch.session.agent.opencode;

import org.jspecify.annotations.NullMarked;
