package dev.tollgate.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of job completions (ADR 0035): job threads whose handlers finished at
 * about the same time complete their jobs in one transaction, the job rows marked
 * succeeded by one multi-row statement, each completion's own writes after it. No thread
 * waits for a batch to fill: the thread that finds no batch being written writes what is
 * queued, its own completion with those that queued while the previous batch was written;
 * at low load that is a batch of one, completed exactly as before.
 * <p>
 * A batch is all or nothing, but one job's failure must not cost the others their
 * outcome: when a batch of several fails (a completion throws, a statement fails, the
 * connection drops), it is rolled back and each of its jobs is completed again alone by
 * its own thread, where a failing completion is retried or buried by itself.
 */
final class JobCompletions {

	private static final Logger log = LoggerFactory.getLogger(JobCompletions.class);

	private final JobRepository jobs;

	private final TransactionTemplate tx;

	private final String workerId;

	private final Duration lease;

	private final Set<String> kinds;

	private final ConcurrentLinkedQueue<Entry> queued = new ConcurrentLinkedQueue<>();

	/** Held while a batch is written; the next batch queues meanwhile. */
	private final ReentrantLock writer = new ReentrantLock();

	JobCompletions(JobRepository jobs, TransactionTemplate tx, String workerId, Duration lease, Set<String> kinds) {
		this.jobs = jobs;
		this.tx = tx;
		this.workerId = workerId;
		this.lease = lease;
		this.kinds = kinds;
	}

	/** How a job's completion went in its batch. */
	enum Result {

		/** Committed with its batch; {@link Entry#next} is the job it handed over. */
		COMMITTED,

		/** Not run: this worker no longer held the job. */
		LEASE_LOST,

		/**
		 * Not done: the batch was a batch of one, or it failed. The caller completes the
		 * job in a transaction of its own.
		 */
		ALONE,

		/**
		 * Not done: the batch got no connection ({@link Entry#failure}). Alone, each job
		 * would only wait for one again; its lease expires and another attempt follows.
		 */
		UNREACHABLE

	}

	static final class Entry {

		final Job job;

		final Runnable completion;

		Result result;

		Job next;

		RuntimeException failure;

		Entry(Job job, Runnable completion) {
			this.job = job;
			this.completion = completion;
		}

	}

	/**
	 * Completes the job with whatever other completions are queued; returns when its
	 * batch has been written (or given up).
	 */
	Entry complete(Job job, Runnable completion) {
		Entry entry = new Entry(job, completion);
		this.queued.add(entry);
		this.writer.lock();
		try {
			// Written by the batch before this lock was free, or left for this thread.
			if (entry.result == null) {
				write(drain());
			}
		}
		finally {
			this.writer.unlock();
		}
		return entry;
	}

	/** How many completions wait for the batch being written (for tests). */
	int waiting() {
		return this.queued.size();
	}

	/** Holds batches back until closed, so that completions queue (for tests). */
	AutoCloseable pause() {
		this.writer.lock();
		return this.writer::unlock;
	}

	private List<Entry> drain() {
		List<Entry> batch = new ArrayList<>();
		for (Entry entry = this.queued.poll(); entry != null; entry = this.queued.poll()) {
			batch.add(entry);
		}
		// Row locks taken in id order, as the lease heartbeat takes them.
		batch.sort(Comparator.comparingLong((Entry entry) -> entry.job.id()));
		return batch;
	}

	private void write(List<Entry> batch) {
		if (batch.size() == 1) {
			batch.get(0).result = Result.ALONE;
			return;
		}
		try {
			this.tx.executeWithoutResult((status) -> {
				Set<Long> held = this.jobs.markAllSucceeded(batch.stream().map((entry) -> entry.job).toList(),
						this.workerId);
				for (Entry entry : batch) {
					if (!held.contains(entry.job.id())) {
						entry.result = Result.LEASE_LOST;
						continue;
					}
					JobHandoff handoff = JobHandoff.open(this.workerId, this.lease, this.kinds);
					try {
						entry.completion.run();
					}
					finally {
						entry.next = handoff.close();
					}
					entry.result = Result.COMMITTED;
				}
			});
		}
		catch (RuntimeException | Error ex) {
			log.debug("A batch of {} job completions failed and was rolled back: {}", batch.size(),
					JobWorker.describe(ex));
			// The transaction could not begin: no connection.
			boolean unreachable = ex instanceof CannotCreateTransactionException
					|| ex instanceof CannotGetJdbcConnectionException;
			for (Entry entry : batch) {
				// Rolled back, also the entries already run: what they handed over does
				// not exist.
				entry.result = unreachable ? Result.UNREACHABLE : Result.ALONE;
				entry.failure = unreachable ? (RuntimeException) ex : null;
				entry.next = null;
			}
			if (ex instanceof Error error) {
				throw error;
			}
		}
	}

}
