/** The HTTP API of usage and pricing: ingest, records, summary, export, the price table. */
@NullMarked
package dev.perch.usage.web;

import org.jspecify.annotations.NullMarked;
