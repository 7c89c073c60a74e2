package dev.tollgate.job;

import java.time.Instant;

/**
 * A claimed job, as a handler sees it.
 *
 * @param attempts the number of this attempt, starting at 1
 * @param payload the JSON payload the job was enqueued with
 */
public record Job(long id, String kind, String dedupKey, String payload, int attempts, Instant createdAt) {
}
