/** Internal: Codex rollouts under {@code <home>/.codex/sessions}. */
@NullMarked
package dev.perch.session.agent.codex;

import org.jspecify.annotations.NullMarked;
