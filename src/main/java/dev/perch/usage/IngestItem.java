package dev.perch.usage;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One element of a batch as it was read: a record, or the reasons it could not be read (an unknown
 * field, a value of the wrong type). Readers of wire formats hand these to
 * {@link UsageService#ingest}, which validates the records and rejects the batch if any item is bad.
 */
public record IngestItem(@Nullable UsageRecordRequest record, List<RecordError> errors) {

	public static IngestItem of(UsageRecordRequest record) {
		return new IngestItem(record, List.of());
	}

	public static IngestItem invalid(List<RecordError> errors) {
		return new IngestItem(null, List.copyOf(errors));
	}

	/**
	 * Why a record is bad.
	 *
	 * @param field the JSON field, or {@code record} for the record as a whole
	 * @param reason a low-cardinality code, e.g. {@code unknown-field}, {@code negative}, {@code too-long}
	 * @param message a human explanation
	 */
	public record RecordError(String field, String reason, String message) {
	}

}
