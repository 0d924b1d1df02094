package dev.perch.usage;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ProblemType;

/** The problem types of the usage module. */
public final class UsageProblems {

	public static final ProblemType INVALID_RECORDS = new ProblemType("invalid-usage-records",
			"Invalid usage records", HttpStatus.BAD_REQUEST);

	public static final ProblemType BATCH_TOO_LARGE = new ProblemType("usage-batch-too-large",
			"Usage batch too large", HttpStatus.CONTENT_TOO_LARGE);

	public static final ProblemType INVALID_QUERY = new ProblemType("invalid-usage-query", "Invalid usage query",
			HttpStatus.BAD_REQUEST);

	public static final ProblemType INVALID_PRICE = new ProblemType("invalid-model-price", "Invalid model price",
			HttpStatus.BAD_REQUEST);

	private UsageProblems() {
	}

}
