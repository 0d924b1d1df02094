package dev.perch.session.internal;

import java.util.List;

import dev.perch.session.UsageEntry;

/**
 * What a reader found in the files it was asked to read.
 *
 * @param entries the usage entries of the lines read, deduplicated by key across those files
 * @param reached for each file read, how far it was read and the state to go on from there
 */
public record UsageRead(List<UsageEntry> entries, List<UsagePosition> reached) {
}
