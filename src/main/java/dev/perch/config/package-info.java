/** The writable runtime configuration API, persisted in the database. */
@NullMarked
package dev.perch.config;

import org.jspecify.annotations.NullMarked;
