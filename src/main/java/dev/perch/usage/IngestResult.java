package dev.perch.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a batch did: {@code recorded} new records, {@code updated} stored records whose tokens and cost
 * were replaced by larger ones ({@link OnDuplicate#KEEP_LARGER} only; left out of JSON when 0), and
 * {@code duplicates} that changed nothing (a key already stored, or repeated within the batch), out of
 * {@code received}.
 */
public record IngestResult(long received, long recorded, long duplicates,
		@JsonInclude(JsonInclude.Include.NON_DEFAULT) long updated) {

	public IngestResult(long received, long recorded, long duplicates) {
		this(received, recorded, duplicates, 0);
	}

}
