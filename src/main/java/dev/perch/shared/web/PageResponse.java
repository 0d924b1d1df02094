package dev.perch.shared.web;

import java.util.List;

/** One page of a list: the items, the zero-based page number, the page size and the total count. */
public record PageResponse<T>(List<T> items, int page, int size, long total) {
}
