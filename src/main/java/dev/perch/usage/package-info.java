/**
 * Token usage and cost: the records other modules write ({@link dev.perch.usage.UsageService}),
 * prices, aggregation, export, retention and metrics. Sub-packages are internal.
 */
@NullMarked
package dev.perch.usage;

import org.jspecify.annotations.NullMarked;
