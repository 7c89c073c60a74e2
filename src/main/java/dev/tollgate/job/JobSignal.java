package dev.tollgate.job;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.stereotype.Component;

/**
 * The local worker as enqueuing sees it: wakes its dispatcher when work was committed, and lets a
 * batch of new jobs be handed to it directly. Its own bean, so that enqueuing (which handlers do)
 * does not depend on the worker (which depends on the handlers).
 */
@Component
class JobSignal {

	/**
	 * How long one sign of a burst holds the worker back: long enough that it does not flap between
	 * two group commits, short enough that the pipeline is back at full speed soon after the burst.
	 */
	static final long BURST_HOLD_MILLIS = 250;

	private static final long BURST_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(BURST_HOLD_MILLIS);

	private volatile Thread dispatcher;

	private volatile JobWorker worker;

	/** {@link System#nanoTime()} until which the local worker yields to ingest (ADR 0016). */
	private volatile long burstUntil = System.nanoTime();

	private final boolean yieldsToIngest;

	JobSignal(JobProperties properties) {
		this.yieldsToIngest = properties.burstConcurrency() > 0;
	}

	void register(Thread dispatcher, JobWorker worker) {
		this.dispatcher = dispatcher;
		this.worker = worker;
	}

	void wakeUp() {
		Thread thread = this.dispatcher;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	/** An ordered job was enqueued as pending: a finishing job may have to wake the dispatcher for it. */
	void heldBack() {
		JobWorker current = this.worker;
		if (current != null) {
			current.heldBack();
		}
	}

	/**
	 * A burst of webhooks waits for its group commit: for the next {@value #BURST_HOLD_MILLIS} ms the
	 * local worker starts no more than {@code tollgate.jobs.burst-concurrency} jobs at once (when that
	 * is not 0).
	 */
	void burst() {
		if (this.yieldsToIngest) {
			this.burstUntil = System.nanoTime() + BURST_HOLD_NANOS;
		}
	}

	/** How long the worker still yields to ingest, in nanoseconds; 0 or less when it does not. */
	long burstRemainingNanos() {
		return this.burstUntil - System.nanoTime();
	}

	/** The running local worker, or {@code null} (jobs disabled in this replica, or not started yet). */
	JobWorker worker() {
		return this.worker;
	}

}
