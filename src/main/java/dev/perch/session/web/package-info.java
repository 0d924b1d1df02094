/** The HTTP API of agent sessions: controllers and their request and response records. */
@NullMarked
package dev.perch.session.web;

import org.jspecify.annotations.NullMarked;
