package dev.perch.session.internal;

import org.springframework.http.HttpStatus;

import dev.perch.shared.web.ApiException;
import dev.perch.shared.web.ProblemType;

/** A usage collection is already running: a 409 problem; the caller may try again when it has finished. */
public class CollectionRunningException extends ApiException {

	static final ProblemType COLLECTION_RUNNING = new ProblemType("collection-running", "Collection running",
			HttpStatus.CONFLICT);

	CollectionRunningException() {
		super(COLLECTION_RUNNING, "A usage collection is running; try again when it has finished.");
	}

}
