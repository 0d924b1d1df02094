package dev.perch.usage.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** Calendar periods of a summary, in the summary's time zone; weeks start on Monday (ISO 8601). */
public enum Interval {

	DAY, WEEK, MONTH;

	/** The first day of the period that contains the date. */
	public LocalDate start(LocalDate date) {
		return switch (this) {
			case DAY -> date;
			case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
			case MONTH -> date.withDayOfMonth(1);
		};
	}

	public LocalDate next(LocalDate periodStart) {
		return switch (this) {
			case DAY -> periodStart.plusDays(1);
			case WEEK -> periodStart.plusWeeks(1);
			case MONTH -> periodStart.plusMonths(1);
		};
	}

	public String json() {
		return name().toLowerCase(Locale.ROOT);
	}

}
