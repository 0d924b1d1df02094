package dev.perch.usage;

/**
 * What a batch did: {@code recorded} new records, {@code duplicates} whose key was already known
 * (or repeated within the batch), out of {@code received}.
 */
public record IngestResult(long received, long recorded, long duplicates) {
}
