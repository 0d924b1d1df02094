/** The workspaces HTTP API. */
@NullMarked
package dev.perch.workspace.web;

import org.jspecify.annotations.NullMarked;
