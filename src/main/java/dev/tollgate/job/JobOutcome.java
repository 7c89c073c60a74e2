package dev.tollgate.job;

import java.time.Instant;

/** What a {@link JobHandler} made of a job. */
public sealed interface JobOutcome {

	/**
	 * The work is done.
	 *
	 * @param completion runs in the transaction that marks the job succeeded; it is
	 * rolled back if this worker lost its lease meanwhile
	 */
	record Done(Runnable completion) implements JobOutcome {
	}

	/**
	 * A transient failure.
	 *
	 * @param notBefore earliest next attempt (an upstream {@code Retry-After});
	 * {@code null} for the configured backoff
	 */
	record RetryLater(String reason, Instant notBefore) implements JobOutcome {
	}

	/**
	 * Not now, and not a failure: the job waits until {@code until} without using up an
	 * attempt (an open circuit breaker, for example).
	 */
	record Deferred(String reason, Instant until) implements JobOutcome {
	}

	/** A permanent failure: the job goes straight to {@code DEAD}. */
	record Failed(String reason) implements JobOutcome {
	}

	static JobOutcome done() {
		return new Done(() -> {
		});
	}

	static JobOutcome done(Runnable completion) {
		return new Done(completion);
	}

	static JobOutcome retryLater(String reason, Instant notBefore) {
		return new RetryLater(reason, notBefore);
	}

	static JobOutcome deferred(String reason, Instant until) {
		return new Deferred(reason, until);
	}

	static JobOutcome failed(String reason) {
		return new Failed(reason);
	}

}
