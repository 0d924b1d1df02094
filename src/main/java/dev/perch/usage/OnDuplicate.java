package dev.perch.usage;

/**
 * What {@link UsageService#record(String, java.util.List, OnDuplicate)} does with a record whose key is
 * already stored (or repeats within the batch).
 */
public enum OnDuplicate {

	/** The stored record stays as it is; the new one counts as a duplicate. The HTTP ingest API's rule. */
	KEEP_FIRST,

	/**
	 * The record with the larger {@link Tokens#total() total} wins: a stored record gets the new one's
	 * tokens and cost when the new total is strictly larger (equal totals keep the stored record). Its
	 * time, workspace, agent, model, session and the rest stay. For agents that write a reply's usage
	 * while it is still streaming (Claude Code), so a later, complete read corrects an early one.
	 */
	KEEP_LARGER

}
