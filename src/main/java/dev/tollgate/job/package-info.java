/**
 * The durable job queue behind every side effect (ADR 0001): enqueue in the caller's
 * transaction, claim with {@code FOR UPDATE SKIP LOCKED} under a lease, retry with
 * backoff, dead letters. A {@link dev.tollgate.job.JobType} names a kind and its payload
 * type. Entry points: {@link dev.tollgate.job.JobQueue} and
 * {@link dev.tollgate.job.JobHandler}.
 */
@ApplicationModule(allowedDependencies = { "audit" })
package dev.tollgate.job;

import org.springframework.modulith.ApplicationModule;
