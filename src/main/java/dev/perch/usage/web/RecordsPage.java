package dev.perch.usage.web;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** One page of records, newest first; {@code nextCursor} fetches the next, absent on the last page. */
record RecordsPage(List<UsageRecordResponse> items, @Nullable String nextCursor) {
}
