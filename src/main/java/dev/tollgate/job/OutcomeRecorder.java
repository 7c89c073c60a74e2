package dev.tollgate.job;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies what a handler made of a job: done (its completion in the transaction that
 * marks it succeeded, batched with other jobs' completions, {@link JobCompletions}),
 * deferred, retried after the backoff, or buried as {@code DEAD} with the handler told.
 * Every write is conditional on this worker still holding the job, so a worker that lost
 * its lease changes nothing.
 */
final class OutcomeRecorder {

	private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

	private final JobRepository jobs;

	private final TransactionTemplate tx;

	private final JobProperties properties;

	private final Backoff backoff;

	private final String workerId;

	private final Set<String> kinds;

	private final JobCompletions batches;

	/**
	 * @param kinds the kinds this worker runs: a completion can hand it a job of one of
	 * them
	 */
	OutcomeRecorder(JobRepository jobs, TransactionTemplate tx, JobProperties properties, String workerId,
			Set<String> kinds) {
		this.jobs = jobs;
		this.tx = tx;
		this.properties = properties;
		this.backoff = new Backoff(properties.backoffInitial(), properties.backoffMax());
		this.workerId = workerId;
		this.kinds = kinds;
		this.batches = new JobCompletions(jobs, tx, workerId, properties.lease(), kinds);
	}

	/** The group commit of completions (for tests). */
	JobCompletions batches() {
		return this.batches;
	}

	/**
	 * Records the outcome of {@code job}.
	 * @param bound the job with its handler and payload; {@code null} when the payload
	 * could not be read, so that a burial has no handler to tell
	 * @return the job its completion handed over ({@link JobHandoff}), to run next; or
	 * {@code null}
	 * @throws DataAccessException when the database is away; the lease then expires and
	 * another attempt follows
	 */
	Job record(Job job, JobHandlers.Bound<?> bound, JobOutcome outcome) {
		if (outcome instanceof JobOutcome.Done done) {
			return complete(job, bound, done);
		}
		if (outcome instanceof JobOutcome.Deferred deferred) {
			this.jobs.defer(job, this.workerId, deferred.until(), deferred.reason());
			log.debug("Job {} ({}) deferred until {}: {}", job.id(), job.kind(), deferred.until(), deferred.reason());
		}
		else if (outcome instanceof JobOutcome.RetryLater retry) {
			retryOrBury(job, bound, retry.reason(), retry.notBefore());
		}
		else if (outcome instanceof JobOutcome.Failed failed) {
			bury(job, bound, failed.reason());
			log.warn("Job {} ({}) failed permanently: {}", job.id(), job.kind(), failed.reason());
		}
		return null;
	}

	private Job complete(Job job, JobHandlers.Bound<?> bound, JobOutcome.Done done) {
		JobCompletions.Entry batched = this.batches.complete(job, done.completion());
		if (batched.result == JobCompletions.Result.COMMITTED) {
			// Committed with its batch: the handed-over job exists, claimed by this
			// worker.
			return batched.next;
		}
		if (batched.result == JobCompletions.Result.UNREACHABLE) {
			throw new DataAccessResourceFailureException("No connection for a batch of completions", batched.failure);
		}
		if (batched.result == JobCompletions.Result.LEASE_LOST) {
			log.warn("Job {} ({}) finished after its lease was lost; its completion is discarded", job.id(),
					job.kind());
			return null;
		}
		return completeAlone(job, bound, done);
	}

	/** The job's completion in a transaction of its own. */
	private Job completeAlone(Job job, JobHandlers.Bound<?> bound, JobOutcome.Done done) {
		JobHandoff handoff = JobHandoff.open(this.workerId, this.properties.lease(), this.kinds);
		try {
			this.tx.executeWithoutResult((status) -> {
				if (this.jobs.markSucceeded(job, this.workerId)) {
					done.completion().run();
				}
				else {
					log.warn("Job {} ({}) finished after its lease was lost; its completion is discarded", job.id(),
							job.kind());
				}
			});
			// Committed: the handed-over job exists, claimed by this worker.
			return handoff.close();
		}
		catch (RuntimeException ex) {
			// Rolled back, so nothing was handed over; closed before the burial below,
			// whose
			// follow-ups must be inserted for any worker rather than for this discarded
			// hand-off.
			handoff.close();
			if (ex instanceof DataAccessException dae && isConnectionFailure(dae)) {
				throw dae;
			}
			retryOrBury(job, bound, "completion failed: " + JobWorker.describe(ex), null);
			return null;
		}
		finally {
			// Rolled back (or already closed): nothing was handed over.
			handoff.close();
		}
	}

	private void retryOrBury(Job job, JobHandlers.Bound<?> bound, String reason, Instant notBefore) {
		if (job.attempts() >= this.properties.maxAttempts()) {
			bury(job, bound, "gave up after " + job.attempts() + " attempts: " + reason);
			log.warn("Job {} ({}) is dead after {} attempts: {}", job.id(), job.kind(), job.attempts(), reason);
			return;
		}
		Instant runAt = (notBefore != null) ? notBefore
				: Instant.now().plus(this.backoff.delayAfter(job.attempts(), ThreadLocalRandom.current()));
		this.jobs.reschedule(job, this.workerId, runAt, reason);
		log.info("Job {} ({}) attempt {} failed, next attempt at {}: {}", job.id(), job.kind(), job.attempts(), runAt,
				reason);
	}

	private void bury(Job job, JobHandlers.Bound<?> bound, String reason) {
		this.tx.executeWithoutResult((status) -> {
			if (this.jobs.markDead(job, this.workerId, reason) && bound != null) {
				bound.buried(reason);
			}
		});
	}

	private static boolean isConnectionFailure(DataAccessException ex) {
		return ex instanceof DataAccessResourceFailureException || ex instanceof CannotGetJdbcConnectionException
				|| ex instanceof TransientDataAccessResourceException;
	}

}
