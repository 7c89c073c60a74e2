package dev.tollgate.job;

import java.time.Duration;
import java.util.Set;

/**
 * While a job's completion transaction runs on a worker thread, the first job it enqueues
 * that this worker can run (due now, and no unfinished job holds its ordering key) is
 * inserted already claimed by the worker and run next on the same thread and slot,
 * instead of waiting for the dispatcher to claim it: the trigger follows its decision,
 * and the comment its trigger, without a claim statement or a thread hand-over. If the
 * completion rolls back, so does the insert; if the worker dies before running it, its
 * lease expires and any replica reclaims it, as for every running job.
 */
final class JobHandoff {

	private static final ThreadLocal<JobHandoff> CURRENT = new ThreadLocal<>();

	final String workerId;

	final Duration lease;

	private final Set<String> kinds;

	private Job taken;

	private JobHandoff(String workerId, Duration lease, Set<String> kinds) {
		this.workerId = workerId;
		this.lease = lease;
		this.kinds = kinds;
	}

	/** Opens a hand-off for the completion about to run on this thread. */
	static JobHandoff open(String workerId, Duration lease, Set<String> kinds) {
		JobHandoff handoff = new JobHandoff(workerId, lease, kinds);
		CURRENT.set(handoff);
		return handoff;
	}

	/** The open hand-off that can still take a job of {@code kind}, or {@code null}. */
	static JobHandoff offeredFor(String kind) {
		JobHandoff handoff = CURRENT.get();
		return (handoff != null && handoff.taken == null && handoff.kinds.contains(kind)) ? handoff : null;
	}

	void take(Job job) {
		this.taken = job;
	}

	/**
	 * Closes the hand-off; returns the job to run next once the completion has committed.
	 */
	Job close() {
		CURRENT.remove();
		return this.taken;
	}

}
