package dev.tollgate.job;

import java.time.Instant;

/**
 * A claimed job, as a handler sees it.
 *
 * @param attempts the number of this attempt, starting at 1
 * @param payload the JSON payload the job was enqueued with
 * @param failedBefore an earlier attempt failed, timed out or was cut short (also before
 * a re-drive, which resets {@code attempts}): a handler whose effect may already have
 * happened looks for it before acting again
 */
public record Job(long id, String kind, String dedupKey, String payload, int attempts, Instant createdAt,
		boolean failedBefore) {

	/** Whether this may be a repeat of an attempt whose outcome is unknown. */
	public boolean triedBefore() {
		return this.attempts > 1 || this.failedBefore;
	}

}
