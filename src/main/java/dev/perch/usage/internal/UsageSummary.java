package dev.perch.usage.internal;

import java.time.OffsetDateTime;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** A summary: its range, zone and interval, the grand totals and one row per period and group. */
public record UsageSummary(OffsetDateTime from, OffsetDateTime to, String timeZone, @Nullable String interval,
		List<String> groupBy, UsageTotals totals, List<UsageTotals> rows) {
}
