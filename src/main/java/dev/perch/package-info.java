/** Perch: a self-hosted control plane for AI coding agents. */
@NullMarked
package dev.perch;

import org.jspecify.annotations.NullMarked;
