/** Bearer-token authentication of the API. */
@NullMarked
package dev.perch.shared.security;

import org.jspecify.annotations.NullMarked;
