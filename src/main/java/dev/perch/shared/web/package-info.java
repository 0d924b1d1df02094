/** RFC 9457 problems for every error, server-sent-event helpers and paging shapes. */
@NullMarked
package dev.perch.shared.web;

import org.jspecify.annotations.NullMarked;
