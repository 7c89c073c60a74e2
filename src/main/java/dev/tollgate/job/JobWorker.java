package dev.tollgate.job;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs jobs of every kind that has a {@link JobHandler} in this replica. One dispatcher thread
 * claims due jobs while there are free slots; a fixed pool runs them. The dispatcher sleeps for at
 * most the poll interval (work committed by other replicas) and is woken at once by local commits
 * of pending jobs, and by finished jobs when a claim may find something (ADR 0014). Jobs can also
 * be handed to it as they are enqueued ({@link #reserve}, {@link JobHandoff}).
 */
@Component
class JobWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

	private final JobRepository jobs;

	private final TransactionTemplate tx;

	private final JobProperties properties;

	private final Backoff backoff;

	private final Map<String, JobHandler> handlers;

	private final List<String> kinds;

	private final String workerId;

	private final Semaphore slots;

	private final Set<Job> inFlight = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	/**
	 * Whether the last claim may have left due jobs behind (it filled every free slot). While it
	 * may, new jobs are not handed over: the older ones go first.
	 */
	private volatile boolean backlog = true;

	/**
	 * Counts ordered jobs enqueued here as pending, which may wait for an older job of their key to
	 * finish. While it is ahead of {@link #heldBackSeen}, or with a {@link #backlog}, a freed slot
	 * wakes the dispatcher; otherwise its claim would come back empty (jobs handed over at enqueue
	 * never pass through it).
	 */
	private final AtomicLong heldBack = new AtomicLong();

	/** {@link #heldBack} as of the last claim that left nothing behind while nothing ran here. */
	private volatile long heldBackSeen;

	private final JobSignal signal;

	private volatile Thread dispatcher;

	private ExecutorService executor;

	private ScheduledExecutorService heartbeat;

	JobWorker(JobRepository jobs, TransactionTemplate tx, JobProperties properties, List<JobHandler> handlers,
			JobSignal signal) {
		this.signal = signal;
		this.jobs = jobs;
		this.tx = tx;
		this.properties = properties;
		this.backoff = new Backoff(properties.backoffInitial(), properties.backoffMax());
		this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(JobHandler::kind, Function.identity()));
		this.kinds = List.copyOf(this.handlers.keySet());
		this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
		this.slots = new Semaphore(properties.concurrency());
	}

	@Override
	public void start() {
		AtomicInteger counter = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(this.properties.concurrency(), (runnable) -> {
			Thread thread = new Thread(runnable, "tollgate-job-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		// Its own thread: the dispatcher can sit in a connection wait while the database is away, and
		// the leases of running jobs must be renewed as soon as it is back, not after that wait.
		this.heartbeat = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "tollgate-job-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		long renewEveryMillis = Math.max(1, this.properties.lease().toMillis() / 3);
		this.heartbeat.scheduleWithFixedDelay(this::renewLeases, renewEveryMillis, renewEveryMillis,
				TimeUnit.MILLISECONDS);
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
		if (this.executor == null) {
			return;
		}
		this.executor.shutdown();
		// The heartbeat keeps renewing while running jobs finish, and stops before they are released.
		try {
			// Let running jobs finish (their HTTP calls have timeouts); what is left is released.
			if (!this.executor.awaitTermination(20, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
				this.executor.awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.heartbeat.shutdownNow();
		this.inFlight.forEach(this::releaseQuietly);
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
		// Stop after the web server has drained its requests (graceful shutdown runs in a higher phase)
		// and after ingest has stored them: ingest hands jobs to this worker, so it must still run.
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
			int free = this.slots.availablePermits();
			int startable = startable(free);
			if (free == 0) {
				// Woken for work that has to wait for a slot: the slot, once freed, wakes the dispatcher.
				this.backlog = true;
				if (this.slots.availablePermits() > 0) {
					continue; // freed before the flag was set, so it woke nobody
				}
			}
			else if (startable == 0) {
				// A burst of webhooks waits for its commit: the acknowledgements go first (ADR 0016). What
				// is due stays queued; a freed slot or the end of the burst brings the dispatcher back.
				this.backlog = true;
				LockSupport.parkNanos(this, Math.min(pollNanos, this.signal.burstRemainingNanos()));
				continue;
			}
			else {
				long heldBackBefore = this.heldBack.get();
				boolean idle = free == this.properties.concurrency();
				List<Job> due = List.of();
				try {
					boolean sweep = System.nanoTime() - nextLeaseSweep >= 0;
					due = this.jobs.claim(this.kinds, startable, this.workerId, this.properties.lease(), sweep);
					this.backlog = due.size() >= startable;
					if (!this.backlog && idle) {
						// Nothing ran here, so nothing here held a job back (later marks stay ahead).
						this.heldBackSeen = heldBackBefore;
					}
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
						log.warn("Job worker {} cannot claim jobs: {}", this.workerId, describe(ex.getMostSpecificCause()));
						databaseWasDown = true;
					}
				}
				due.forEach(this::submit);
			}
			// Until a local commit or a freed slot wakes it, or the poll interval (other replicas' work) ends.
			LockSupport.parkNanos(this, pollNanos);
		}
	}

	/**
	 * How many of the {@code free} slots may start a job now: all of them, except while ingest has
	 * webhooks waiting ({@link JobSignal#burst}), when at most {@code burst-concurrency} jobs run.
	 */
	private int startable(int free) {
		if (this.signal.burstRemainingNanos() <= 0) {
			return free;
		}
		int running = this.properties.concurrency() - free;
		return Math.max(0, Math.min(free, this.properties.burstConcurrency() - running));
	}

	/**
	 * A heartbeat for running jobs: their leases are extended every third of the lease, so only a
	 * worker that really died (or lost the database) lets its jobs be claimed again.
	 */
	private void renewLeases() {
		if (this.inFlight.isEmpty()) {
			return;
		}
		try {
			this.jobs.extendLeases(this.inFlight.stream().map(Job::id).toList(), this.workerId, this.properties.lease());
		}
		catch (RuntimeException ex) {
			// Never let an exception end the scheduled heartbeat.
			log.debug("Leases not renewed: {}", describe(ex));
		}
	}

	/**
	 * Reserves up to {@code max} free slots for jobs of {@code kind} that the caller is about to
	 * insert already claimed by this worker (ingest hands its evaluations over this way, see
	 * {@link JobQueue#enqueueOrdered(String, List)}). None while due jobs may be waiting: they are
	 * older, and the dispatcher claims them first. None during a burst of webhooks either: the
	 * dispatcher starts what the burst leaves room for.
	 */
	int reserve(String kind, int max) {
		if (!this.running || this.backlog || this.signal.burstRemainingNanos() > 0 || !this.handlers.containsKey(kind)) {
			return 0;
		}
		int reserved = 0;
		while (reserved < max && this.slots.tryAcquire()) {
			reserved++;
		}
		return reserved;
	}

	/**
	 * Runs jobs that were inserted claimed by this worker in slots from {@link #reserve} (once their
	 * transaction committed; none if it rolled back) and frees the slots left unused.
	 */
	void runReserved(List<Job> claimed, int reserved) {
		this.slots.release(reserved - claimed.size());
		claimed.forEach(this::start);
		if (reserved > claimed.size()) {
			wakeUpIfClaimable();
		}
	}

	/**
	 * Wakes the dispatcher for a freed slot when a claim can find something: a job that waited for a
	 * slot, or one an ordered job of this worker held back.
	 */
	private void wakeUpIfClaimable() {
		if (this.backlog || this.heldBack.get() != this.heldBackSeen) {
			this.signal.wakeUp();
		}
	}

	/** An ordered job was enqueued here to wait for an older job of its key. */
	void heldBack() {
		this.heldBack.incrementAndGet();
	}

	String id() {
		return this.workerId;
	}

	Duration lease() {
		return this.properties.lease();
	}

	/**
	 * Runs a claimed job once a slot is free. Ingest may have reserved the slots counted before the
	 * claim, so the wait can last until a running job finishes; the heartbeat renews its lease
	 * meanwhile.
	 */
	private void submit(Job job) {
		this.inFlight.add(job);
		this.slots.acquireUninterruptibly();
		start(job);
	}

	/** Runs a claimed job in a slot already taken for it. */
	private void start(Job job) {
		this.inFlight.add(job);
		try {
			this.executor.execute(() -> runInSlot(job));
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: give it back for another replica.
			this.inFlight.remove(job);
			releaseQuietly(job);
			this.slots.release();
		}
	}

	private void runInSlot(Job job) {
		try {
			// A completion may hand over the job it enqueued (JobHandoff): it runs next, in this slot.
			Job next = job;
			while (next != null) {
				Job current = next;
				try {
					next = run(current);
				}
				finally {
					this.inFlight.remove(current);
				}
				if (next != null && this.running) {
					this.inFlight.add(next);
				}
				else if (next != null) {
					releaseQuietly(next);
					next = null;
				}
			}
		}
		finally {
			this.slots.release();
			wakeUpIfClaimable();
		}
	}

	/** Runs the job and records its outcome; returns the job its completion handed over, if any. */
	private Job run(Job job) {
		JobOutcome outcome;
		try {
			outcome = this.handlers.get(job.kind()).handle(job);
		}
		catch (Exception ex) {
			if (!this.running && (ex instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
				// Interrupted by shutdown: hand the job back uncounted instead of calling it a failure.
				releaseQuietly(job);
				return null;
			}
			log.debug("Job {} ({}) attempt {} failed", job.id(), job.kind(), job.attempts(), ex);
			outcome = JobOutcome.retryLater(describe(ex), null);
		}
		try {
			return complete(job, outcome);
		}
		catch (DataAccessException ex) {
			// The lease expires and another attempt follows; nothing is lost.
			log.warn("Could not record the outcome of job {} ({}): {}", job.id(), job.kind(),
					describe(ex.getMostSpecificCause()));
			return null;
		}
	}

	private void releaseQuietly(Job job) {
		try {
			this.jobs.release(job, this.workerId);
		}
		catch (DataAccessException ex) {
			log.warn("Could not release job {}; it is claimable again after its lease", job.id());
		}
	}

	private Job complete(Job job, JobOutcome outcome) {
		if (outcome instanceof JobOutcome.Done done) {
			JobHandoff handoff = JobHandoff.open(this.workerId, this.properties.lease(), this.handlers.keySet());
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
				// Rolled back, so nothing was handed over; closed before the burial below, whose
				// follow-ups must be inserted for any worker rather than for this discarded hand-off.
				handoff.close();
				if (ex instanceof DataAccessException dae && isConnectionFailure(dae)) {
					throw dae;
				}
				retryOrBury(job, "completion failed: " + describe(ex), null);
			}
			finally {
				// Rolled back (or already closed): nothing was handed over.
				handoff.close();
			}
		}
		else if (outcome instanceof JobOutcome.Deferred deferred) {
			this.jobs.defer(job, this.workerId, deferred.until(), deferred.reason());
			log.debug("Job {} ({}) deferred until {}: {}", job.id(), job.kind(), deferred.until(), deferred.reason());
		}
		else if (outcome instanceof JobOutcome.RetryLater retry) {
			retryOrBury(job, retry.reason(), retry.notBefore());
		}
		else if (outcome instanceof JobOutcome.Failed failed) {
			bury(job, failed.reason());
			log.warn("Job {} ({}) failed permanently: {}", job.id(), job.kind(), failed.reason());
		}
		return null;
	}

	private void retryOrBury(Job job, String reason, Instant notBefore) {
		if (job.attempts() >= this.properties.maxAttempts()) {
			bury(job, "gave up after " + job.attempts() + " attempts: " + reason);
			log.warn("Job {} ({}) is dead after {} attempts: {}", job.id(), job.kind(), job.attempts(), reason);
			return;
		}
		Instant runAt = (notBefore != null) ? notBefore
				: Instant.now().plus(this.backoff.delayAfter(job.attempts(), ThreadLocalRandom.current()));
		this.jobs.reschedule(job, this.workerId, runAt, reason);
		log.info("Job {} ({}) attempt {} failed, next attempt at {}: {}", job.id(), job.kind(), job.attempts(), runAt,
				reason);
	}

	private void bury(Job job, String reason) {
		this.tx.executeWithoutResult((status) -> {
			if (this.jobs.markDead(job, this.workerId, reason)) {
				this.handlers.get(job.kind()).buried(job, reason);
			}
		});
	}

	private static boolean isConnectionFailure(DataAccessException ex) {
		return ex instanceof org.springframework.dao.DataAccessResourceFailureException
				|| ex instanceof org.springframework.jdbc.CannotGetJdbcConnectionException
				|| ex instanceof org.springframework.dao.TransientDataAccessResourceException;
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
