package dev.perch.usage.internal;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Totals of a set of records: one summary row (a period and group) or the whole summary.
 *
 * @param period the first day of the calendar period (day, Monday of the week, first of the month)
 * @param start where the bucket starts (the summary's {@code from} for a partial first period)
 * @param cacheWrite 5-minute plus 1-hour cache writes
 * @param cost USD of the priced records; {@code null} when none is priced
 * @param unpricedRequests records without a cost
 * @param unpricedModels models of those records: their cost is missing from {@code cost}
 */
public record UsageTotals(@Nullable LocalDate period, @Nullable OffsetDateTime start, @Nullable OffsetDateTime end,
		@Nullable String workspace, @Nullable String agent, @Nullable String model, long requests, long input,
		long output, long cacheRead, long cacheWrite5m, long cacheWrite1h, long cacheWrite, long reasoning,
		@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable BigDecimal cost, long unpricedRequests,
		List<String> unpricedModels) {
}
