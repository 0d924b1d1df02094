/** Cross-cutting pieces every module may use: problems, security, settings. */
@NullMarked
package dev.perch.shared;

import org.jspecify.annotations.NullMarked;
