package dev.perch.usage.web;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.perch.shared.web.ApiException;
import dev.perch.usage.UsageProblems;
import dev.perch.usage.internal.Interval;
import dev.perch.usage.internal.RecordFilter;
import dev.perch.usage.internal.SummaryQuery;

/**
 * Reads the query parameters of the usage endpoints, collecting every problem before answering 400.
 * {@code from} and {@code to} are ISO dates (whole days in the time zone, both inclusive) or ISO
 * date-times with an offset ({@code from} inclusive, {@code to} exclusive).
 */
final class QueryParameters {

	private static final int MAX_FILTER = 128;

	private final List<Map<String, String>> errors = new ArrayList<>();

	@Nullable ZoneId zone(@Nullable String tz, ZoneId fallback) {
		if (tz == null || tz.isBlank()) {
			return fallback;
		}
		try {
			if (tz.length() <= 64) {
				return ZoneId.of(tz.strip());
			}
		}
		catch (DateTimeException ex) {
			// reported below
		}
		error("tz", "must be an IANA time zone such as Europe/Berlin, or UTC");
		return null;
	}

	@Nullable Instant from(@Nullable String text, @Nullable ZoneId zone) {
		return instant("from", text, zone, false);
	}

	@Nullable Instant to(@Nullable String text, @Nullable ZoneId zone) {
		return instant("to", text, zone, true);
	}

	private @Nullable Instant instant(String name, @Nullable String text, @Nullable ZoneId zone, boolean endOfDay) {
		if (text == null || zone == null) {
			return null;
		}
		try {
			if (text.length() == 10) {
				LocalDate date = LocalDate.parse(text);
				return (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
			}
			if (text.length() <= 40) {
				return OffsetDateTime.parse(text).toInstant();
			}
		}
		catch (DateTimeException ex) {
			// reported below
		}
		error(name, "must be an ISO date (2026-11-25) or a date-time with offset (2026-11-25T10:00:00Z)");
		return null;
	}

	@Nullable Interval interval(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		for (Interval interval : Interval.values()) {
			if (interval.json().equals(text.strip().toLowerCase(Locale.ROOT))) {
				return interval;
			}
		}
		error("interval", "must be day, week or month");
		return null;
	}

	List<String> groupBy(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return List.of();
		}
		Set<String> groups = new LinkedHashSet<>();
		for (String part : text.split(",", -1)) {
			String group = part.strip();
			if (!SummaryQuery.GROUPS.contains(group)) {
				error("groupBy", "must be a comma-separated list of " + SummaryQuery.GROUPS);
				return List.of();
			}
			groups.add(group);
		}
		return List.copyOf(groups);
	}

	@Nullable String filter(String name, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		if (value.length() > MAX_FILTER) {
			error(name, "must have at most " + MAX_FILTER + " characters");
			return null;
		}
		return value;
	}

	RecordFilter filter(@Nullable Instant from, @Nullable Instant to, @Nullable String workspace,
			@Nullable String agent, @Nullable String model, @Nullable String sessionId) {
		if (from != null && to != null && !from.isBefore(to)) {
			error("to", "must be after from");
		}
		return new RecordFilter(from, to, filter("workspace", workspace), filter("agent", agent),
				filter("model", model), filter("sessionId", sessionId));
	}

	void error(String field, String message) {
		errors.add(Map.of("field", field, "message", message));
	}

	/** Throws the 400 problem when any parameter was bad. */
	void check() {
		if (!errors.isEmpty()) {
			throw new ApiException(UsageProblems.INVALID_QUERY, "The query has " + errors.size()
					+ " invalid parameter(s): " + errors.stream().map(e -> e.get("field")).distinct().toList() + ".",
					Map.of("errors", errors));
		}
	}

}
