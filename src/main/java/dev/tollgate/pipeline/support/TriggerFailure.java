package dev.tollgate.pipeline.support;

import java.time.Instant;

/**
 * A trigger that did not start a run. {@code permanent} failures (bad credentials,
 * unknown workflow) go straight to the dead jobs; others are retried, not before
 * {@code retryAfter} when the CI system said so. Messages never contain credentials.
 */
public class TriggerFailure extends RuntimeException {

	private final boolean permanent;

	private final Instant retryAfter;

	TriggerFailure(String message, boolean permanent, Instant retryAfter) {
		super(message, null, false, false);
		this.permanent = permanent;
		this.retryAfter = retryAfter;
	}

	public static TriggerFailure permanent(String message) {
		return new TriggerFailure(message, true, null);
	}

	public static TriggerFailure transientFailure(String message, Instant retryAfter) {
		return new TriggerFailure(message, false, retryAfter);
	}

	public boolean permanent() {
		return this.permanent;
	}

	public Instant retryAfter() {
		return this.retryAfter;
	}

}
