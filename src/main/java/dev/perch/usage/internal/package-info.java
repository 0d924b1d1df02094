/** Internals of the usage module: SQL store, pricing, buckets, metrics, retention, settings. */
@NullMarked
package dev.perch.usage.internal;

import org.jspecify.annotations.NullMarked;
