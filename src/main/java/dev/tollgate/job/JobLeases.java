package dev.tollgate.job;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * The leases of the jobs this worker runs: a heartbeat extends them every third of the
 * lease, so only a worker that really died (or lost the database) lets its jobs be
 * claimed again, and what is still held at shutdown is given back for another replica.
 */
final class JobLeases {

	private static final Logger log = LoggerFactory.getLogger(JobLeases.class);

	private final JobRepository jobs;

	private final String workerId;

	private final Duration lease;

	private final Set<Job> inFlight = ConcurrentHashMap.newKeySet();

	private ScheduledExecutorService heartbeat;

	JobLeases(JobRepository jobs, String workerId, Duration lease) {
		this.jobs = jobs;
		this.workerId = workerId;
		this.lease = lease;
	}

	void start() {
		// Its own thread: the dispatcher can sit in a connection wait while the database
		// is away, and
		// the leases of running jobs must be renewed as soon as it is back, not after
		// that wait.
		this.heartbeat = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "tollgate-job-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		long renewEveryMillis = Math.max(1, this.lease.toMillis() / 3);
		this.heartbeat.scheduleWithFixedDelay(this::renew, renewEveryMillis, renewEveryMillis, TimeUnit.MILLISECONDS);
	}

	/** Stops the heartbeat and gives back every job still held. */
	void stop() {
		if (this.heartbeat != null) {
			this.heartbeat.shutdownNow();
		}
		this.inFlight.forEach(this::release);
	}

	/** From now on the heartbeat keeps {@code job}'s lease. */
	void hold(Job job) {
		this.inFlight.add(job);
	}

	/**
	 * The job's outcome is recorded, or it was given back: its lease needs no renewing.
	 */
	void drop(Job job) {
		this.inFlight.remove(job);
	}

	/** Gives a job back uncounted, for any worker to claim at once. */
	void release(Job job) {
		try {
			this.jobs.release(job, this.workerId);
		}
		catch (DataAccessException ex) {
			log.warn("Could not release job {}; it is claimable again after its lease", job.id());
		}
	}

	private void renew() {
		if (this.inFlight.isEmpty()) {
			return;
		}
		try {
			this.jobs.extendLeases(this.inFlight.stream().map(Job::id).toList(), this.workerId, this.lease);
		}
		catch (RuntimeException ex) {
			// Never let an exception end the scheduled heartbeat.
			log.debug("Leases not renewed: {}", JobWorker.describe(ex));
		}
	}

}
