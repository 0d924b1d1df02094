/** Internals of the session module: the session_meta index, the reader SPI, usage collection. */
@NullMarked
package dev.perch.session.internal;

import org.jspecify.annotations.NullMarked;
