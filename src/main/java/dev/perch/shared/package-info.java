/** Cross-cutting pieces every module may use: problems, security, settings, a shared event stream. */
@NullMarked
package dev.perch.shared;

import org.jspecify.annotations.NullMarked;
