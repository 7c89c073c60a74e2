package dev.tollgate.job;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * Runs claimed jobs on a fixed pool, one per slot: reads the payload, calls the job's
 * handler and has its outcome recorded. A completion may hand over the job it enqueued
 * ({@link JobHandoff}), which then runs next in the same slot.
 */
final class JobRunner {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	private final JobHandlers handlers;

	private final JobSlots slots;

	private final JobLeases leases;

	private final OutcomeRecorder outcomes;

	private final int concurrency;

	private final BooleanSupplier running;

	private ExecutorService executor;

	/**
	 * @param running whether the worker still runs: a job interrupted by shutdown is
	 * given back, and a job handed over after it is not started
	 */
	JobRunner(JobHandlers handlers, JobSlots slots, JobLeases leases, OutcomeRecorder outcomes, int concurrency,
			BooleanSupplier running) {
		this.handlers = handlers;
		this.slots = slots;
		this.leases = leases;
		this.outcomes = outcomes;
		this.concurrency = concurrency;
		this.running = running;
	}

	void start() {
		AtomicInteger counter = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(this.concurrency, (runnable) -> {
			Thread thread = new Thread(runnable, "tollgate-job-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Lets running jobs finish (their HTTP calls have timeouts), then interrupts what is
	 * left.
	 */
	void stop() {
		if (this.executor == null) {
			return;
		}
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(20, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
				this.executor.awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Runs a claimed job once a slot is free. Ingest may have reserved the slots counted
	 * before the claim, so the wait can last until a running job finishes; the heartbeat
	 * renews its lease meanwhile.
	 */
	void submit(Job job) {
		this.leases.hold(job);
		this.slots.acquire();
		start(job);
	}

	/** Runs a claimed job in a slot already taken for it. */
	void start(Job job) {
		this.leases.hold(job);
		try {
			this.executor.execute(() -> runInSlot(job));
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: give it back for another replica.
			this.leases.drop(job);
			this.leases.release(job);
			this.slots.release(1);
		}
	}

	private void runInSlot(Job job) {
		try {
			Job next = job;
			while (next != null) {
				Job current = next;
				try {
					next = run(current);
				}
				finally {
					this.leases.drop(current);
				}
				if (next != null && this.running.getAsBoolean()) {
					this.leases.hold(next);
				}
				else if (next != null) {
					this.leases.release(next);
					next = null;
				}
			}
		}
		finally {
			this.slots.release(1);
			this.slots.wakeUpIfClaimable();
		}
	}

	/**
	 * Runs the job and records its outcome; returns the job its completion handed over,
	 * if any.
	 */
	private Job run(Job job) {
		JobHandlers.Bound<?> bound = null;
		JobOutcome outcome;
		try {
			bound = this.handlers.bind(job);
			outcome = bound.handle();
		}
		catch (Exception ex) {
			if (!this.running.getAsBoolean()
					&& (ex instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
				// Interrupted by shutdown: hand the job back uncounted instead of calling
				// it a failure.
				this.leases.release(job);
				return null;
			}
			log.debug("Job {} ({}) attempt {} failed", job.id(), job.kind(), job.attempts(), ex);
			outcome = JobOutcome.retryLater(JobWorker.describe(ex), null);
		}
		try {
			return this.outcomes.record(job, bound, outcome);
		}
		catch (DataAccessException ex) {
			// The lease expires and another attempt follows; nothing is lost.
			log.warn("Could not record the outcome of job {} ({}): {}", job.id(), job.kind(),
					JobWorker.describe(ex.getMostSpecificCause()));
			return null;
		}
	}

}
