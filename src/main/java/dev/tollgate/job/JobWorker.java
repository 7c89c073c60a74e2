package dev.tollgate.job;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs jobs of every kind that has a {@link JobHandler} in this replica. One dispatcher
 * thread claims due jobs while there are free slots ({@link JobSlots}) and hands them to
 * the pool that runs them ({@link JobRunner}); a heartbeat keeps their leases
 * ({@link JobLeases}). The dispatcher sleeps for at most the poll interval (work
 * committed by other replicas) and is woken at once by local commits of pending jobs, and
 * by finished jobs when a claim may find something (ADR 0014). Jobs can also be handed to
 * it as they are enqueued ({@link #reserve}, {@link JobHandoff}).
 */
@Component
class JobWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

	private final JobRepository jobs;

	private final JobProperties properties;

	private final JobHandlers handlers;

	private final List<String> kinds;

	private final String workerId;

	private final JobSignal signal;

	private final JobSlots slots;

	private final JobLeases leases;

	private final JobRunner runner;

	private final JobCompletions completions;

	private volatile boolean running;

	private volatile Thread dispatcher;

	JobWorker(JobRepository jobs, TransactionTemplate tx, JobProperties properties, JobHandlers handlers,
			JobSignal signal) {
		this.jobs = jobs;
		this.properties = properties;
		this.handlers = handlers;
		this.kinds = List.copyOf(handlers.kinds());
		this.signal = signal;
		this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/"
				+ UUID.randomUUID().toString().substring(0, 8);
		this.slots = new JobSlots(properties.concurrency(), signal);
		this.leases = new JobLeases(jobs, this.workerId, properties.lease());
		OutcomeRecorder outcomes = new OutcomeRecorder(jobs, tx, properties, this.workerId, handlers.kinds());
		this.completions = outcomes.batches();
		this.runner = new JobRunner(handlers, this.slots, this.leases, outcomes, properties.concurrency(),
				() -> this.running);
	}

	@Override
	public void start() {
		this.runner.start();
		this.running = true;
		this.leases.start();
		Thread thread = new Thread(this::dispatch, "tollgate-job-dispatcher");
		thread.setDaemon(true);
		this.dispatcher = thread;
		this.signal.register(thread, this);
		thread.start();
		log.info("Job worker {} started for kinds {} with {} slots", this.workerId, this.kinds,
				this.properties.concurrency());
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.dispatcher;
		if (thread != null) {
			LockSupport.unpark(thread);
			joinQuietly(thread);
		}
		// The heartbeat keeps renewing while running jobs finish, and stops before they
		// are released.
		this.runner.stop();
		this.leases.stop();
		log.info("Job worker {} stopped", this.workerId);
	}

	@Override
	public boolean isAutoStartup() {
		return this.properties.enabled();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stop after the web server has drained its requests (graceful shutdown runs in a
		// higher phase)
		// and after ingest has stored them: ingest hands jobs to this worker, so it must
		// still run.
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private void dispatch() {
		long pollNanos = this.properties.pollInterval().toNanos();
		long nextLeaseSweep = System.nanoTime();
		boolean databaseWasDown = false;
		while (this.running) {
			if (this.kinds.isEmpty()) {
				LockSupport.parkNanos(this, pollNanos);
				continue;
			}
			int free = this.slots.free();
			if (free == 0) {
				if (this.slots.waitForSlot()) {
					continue;
				}
			}
			else {
				JobSlots.Mark mark = this.slots.mark(free);
				List<Job> due = List.of();
				try {
					boolean sweep = System.nanoTime() - nextLeaseSweep >= 0;
					due = this.jobs.claim(this.kinds, free, this.workerId, this.properties.lease(), sweep);
					this.slots.claimed(mark, due.size());
					if (sweep) {
						nextLeaseSweep = System.nanoTime() + pollNanos;
					}
					if (databaseWasDown) {
						log.info("Job worker {} reaches the database again", this.workerId);
						databaseWasDown = false;
					}
				}
				catch (DataAccessException ex) {
					if (!databaseWasDown) {
						log.warn("Job worker {} cannot claim jobs: {}", this.workerId,
								describe(ex.getMostSpecificCause()));
						databaseWasDown = true;
					}
				}
				due.forEach(this.runner::submit);
			}
			// Until a local commit or a freed slot wakes it, or the poll interval (other
			// replicas' work) ends.
			LockSupport.parkNanos(this, pollNanos);
		}
	}

	/**
	 * Reserves up to {@code max} free slots for jobs of {@code kind} that the caller is
	 * about to insert already claimed by this worker (ingest hands its evaluations over
	 * this way, see {@link JobQueue#enqueueOrdered(JobType, List)}). None while due jobs
	 * may be waiting: they are older, and the dispatcher claims them first.
	 */
	int reserve(String kind, int max) {
		if (!this.running || !this.handlers.handles(kind)) {
			return 0;
		}
		return this.slots.reserve(max);
	}

	/**
	 * Runs jobs that were inserted claimed by this worker in slots from {@link #reserve}
	 * (once their transaction committed; none if it rolled back) and frees the slots left
	 * unused.
	 */
	void runReserved(List<Job> claimed, int reserved) {
		this.slots.release(reserved - claimed.size());
		claimed.forEach(this.runner::start);
		if (reserved > claimed.size()) {
			this.slots.wakeUpIfClaimable();
		}
	}

	/** An ordered job was enqueued here to wait for an older job of its key. */
	void heldBack() {
		this.slots.heldBack();
	}

	/** The group commit of this worker's completions (for tests). */
	JobCompletions completions() {
		return this.completions;
	}

	String id() {
		return this.workerId;
	}

	Duration lease() {
		return this.properties.lease();
	}

	static String describe(Throwable ex) {
		String message = ex.getMessage();
		String text = ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
		return (text.length() > 1000) ? text.substring(0, 1000) : text;
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
