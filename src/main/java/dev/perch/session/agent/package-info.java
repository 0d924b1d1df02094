/** Internal: what every agent reader shares (bounded line reading forwards and backwards, paths kept inside a home, text trimming). */
@NullMarked
package dev.perch.session.agent;

import org.jspecify.annotations.NullMarked;
