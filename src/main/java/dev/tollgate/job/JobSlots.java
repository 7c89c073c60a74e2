package dev.tollgate.job;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's slots, one per job it may run at once, and the accounting that decides
 * whether a freed slot wakes the dispatcher: only when a claim can find something, a due
 * job that waited for a slot ({@link #backlog}) or one that an ordered job of this worker
 * held back ({@link #heldBack}). Otherwise every finished job would cost a claim
 * statement that comes back empty, since jobs handed over at enqueue never pass through
 * the dispatcher.
 */
final class JobSlots {

	private final int concurrency;

	private final Semaphore permits;

	private final JobSignal signal;

	/**
	 * Whether the last claim may have left due jobs behind (it filled every free slot).
	 * While it may, new jobs are not handed over: the older ones go first.
	 */
	private volatile boolean backlog = true;

	/**
	 * Counts ordered jobs enqueued here as pending, which may wait for an older job of
	 * their key to finish. While it is ahead of {@link #heldBackSeen}, or with a
	 * {@link #backlog}, a freed slot wakes the dispatcher.
	 */
	private final AtomicLong heldBack = new AtomicLong();

	/**
	 * {@link #heldBack} as of the last claim that left nothing behind while nothing ran
	 * here.
	 */
	private volatile long heldBackSeen;

	JobSlots(int concurrency, JobSignal signal) {
		this.concurrency = concurrency;
		this.permits = new Semaphore(concurrency);
		this.signal = signal;
	}

	int free() {
		return this.permits.availablePermits();
	}

	/**
	 * Woken for work while every slot is taken: the slot, once freed, wakes the
	 * dispatcher.
	 * @return whether one was freed before this was noted, so that it woke nobody
	 */
	boolean waitForSlot() {
		this.backlog = true;
		return this.permits.availablePermits() > 0;
	}

	/**
	 * What a claim about to start must remember of the accounting, for {@link #claimed}.
	 */
	Mark mark(int free) {
		return new Mark(free, free == this.concurrency, this.heldBack.get());
	}

	/** A claim asked for {@code mark.free()} jobs and got {@code claimed}. */
	void claimed(Mark mark, int claimed) {
		this.backlog = claimed >= mark.free();
		if (!this.backlog && mark.idle()) {
			// Nothing ran here, so nothing here held a job back (later marks stay ahead).
			this.heldBackSeen = mark.heldBack();
		}
	}

	/** A claim's view of the slots when it started. */
	record Mark(int free, boolean idle, long heldBack) {
	}

	/**
	 * Takes a slot for a claimed job, waiting for one if ingest reserved those counted
	 * before the claim.
	 */
	void acquire() {
		this.permits.acquireUninterruptibly();
	}

	/**
	 * Takes up to {@code max} free slots for jobs about to be inserted already claimed;
	 * none while due jobs may be waiting: they are older, and the dispatcher claims them
	 * first.
	 */
	int reserve(int max) {
		if (this.backlog) {
			return 0;
		}
		int reserved = 0;
		while (reserved < max && this.permits.tryAcquire()) {
			reserved++;
		}
		return reserved;
	}

	void release(int slots) {
		this.permits.release(slots);
	}

	/** Wakes the dispatcher for a freed slot when a claim can find something. */
	void wakeUpIfClaimable() {
		if (this.backlog || this.heldBack.get() != this.heldBackSeen) {
			this.signal.wakeUp();
		}
	}

	/** An ordered job was enqueued here to wait for an older job of its key. */
	void heldBack() {
		this.heldBack.incrementAndGet();
	}

}
