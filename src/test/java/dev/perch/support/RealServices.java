package dev.perch.support;

import org.junit.jupiter.api.Assumptions;

/**
 * Integration tests against real services (PostgreSQL, the Docker engine, opencode) call
 * {@link #require}: where the service is missing the test is skipped on a developer machine, and
 * fails when the build runs with {@code CI=true} (Maven passes it as {@code perch.it.required}).
 */
public final class RealServices {

	private RealServices() {
	}

	public static boolean required() {
		return "true".equalsIgnoreCase(System.getProperty("perch.it.required"))
				|| "true".equalsIgnoreCase(System.getenv("CI"));
	}

	public static void require(boolean available, String what) {
		if (!available && required()) {
			throw new AssertionError(what + " is needed by this test and is not available (CI=true: no skipping)");
		}
		Assumptions.assumeTrue(available, what + " is not available; skipping (run ./test.sh to start it)");
	}

}
