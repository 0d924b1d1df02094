/** Settings a user changes while Perch runs: their definitions and how modules read them. */
@NullMarked
package dev.perch.shared.settings;

import org.jspecify.annotations.NullMarked;
