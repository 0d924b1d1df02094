/** Internal: Claude Code transcripts under {@code <home>/.claude/projects}. */
@NullMarked
package dev.perch.session.agent.claude;

import org.jspecify.annotations.NullMarked;
