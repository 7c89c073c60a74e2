package dev.tollgate.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enqueues jobs. {@link #enqueue} joins the caller's transaction: the job exists exactly
 * when the caller's work committed, and the local worker is woken right after that
 * commit, or runs the job itself when it was handed over (ADR 0013, 0014).
 */
@Service
public class JobQueue {

	private final JobRepository jobs;

	private final JsonMapper json;

	private final JobSignal signal;

	JobQueue(JobRepository jobs, JsonMapper json, JobSignal signal) {
		this.jobs = jobs;
		this.json = json;
		this.signal = signal;
	}

	/**
	 * Enqueues a job to run now.
	 * @param dedupKey unique across all jobs ever enqueued (until purged): a second
	 * enqueue with the same key does nothing, which is what makes "one effect per
	 * decision" hold
	 * @return whether a job was created
	 */
	public <P> boolean enqueue(JobType<P> type, String dedupKey, P payload) {
		return enqueue(type, dedupKey, payload, null);
	}

	/**
	 * Makes the pending jobs of {@code type} that were deferred with exactly
	 * {@code reason} due now, once what they waited for is there (Jira configured, for
	 * parked comments).
	 * @return how many jobs were made due
	 */
	public int resumeDeferred(JobType<?> type, String reason) {
		int resumed = this.jobs.resumeDeferred(type.kind(), reason);
		if (resumed > 0) {
			this.signal.wakeUp();
		}
		return resumed;
	}

	/** Enqueues a job that becomes due at {@code runAt} ({@code null}: now). */
	public <P> boolean enqueue(JobType<P> type, String dedupKey, P payload, Instant runAt) {
		return enqueue(type, dedupKey, payload, runAt, null);
	}

	/**
	 * Enqueues a job that runs only after every older unfinished job with the same
	 * {@code orderingKey} (e.g. the comments on one issue, in order).
	 */
	public <P> boolean enqueueOrdered(JobType<P> type, String dedupKey, P payload, String orderingKey) {
		return enqueue(type, dedupKey, payload, null, orderingKey);
	}

	/**
	 * Enqueues a batch of ordered jobs of one type in one statement, in list order; the
	 * batch equivalent of {@link #enqueueOrdered(JobType, String, Object, String)} for
	 * group commit. When the local worker has free slots and no older due jobs, the jobs
	 * that nothing holds back are inserted already claimed by it and run as soon as the
	 * caller's transaction commits: no claim statement, no wait for the dispatcher (ADR
	 * 0014). A worker that dies before running them loses its leases, as for every
	 * running job.
	 * @return how many jobs were created
	 */
	public <P> int enqueueOrdered(JobType<P> type, List<OrderedJob<P>> batch) {
		if (batch.isEmpty()) {
			return 0;
		}
		String kind = type.kind();
		int size = batch.size();
		String[] dedupKeys = new String[size];
		String[] payloads = new String[size];
		String[] orderingKeys = new String[size];
		for (int i = 0; i < size; i++) {
			OrderedJob<P> job = batch.get(i);
			dedupKeys[i] = job.dedupKey();
			payloads[i] = json(type, job.payload());
			orderingKeys[i] = job.orderingKey();
		}
		// Only inside a transaction: the jobs must not run before they are committed.
		JobWorker worker = (TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.isSynchronizationActive()) ? this.signal.worker() : null;
		// At most one job per ordering key can be handed over; the others wait for it.
		int reserved = (worker != null) ? worker.reserve(kind, handableAtMost(orderingKeys)) : 0;
		List<JobRepository.Inserted> inserted;
		try {
			inserted = this.jobs.insertAll(kind, dedupKeys, payloads, orderingKeys, reserved,
					(worker != null) ? worker.id() : null, (worker != null) ? worker.lease() : Duration.ZERO);
		}
		catch (RuntimeException ex) {
			if (reserved > 0) {
				worker.runReserved(List.of(), reserved);
			}
			throw ex;
		}
		List<Job> claimed = inserted.stream()
			.filter(JobRepository.Inserted::claimed)
			.map(JobRepository.Inserted::job)
			.toList();
		if (reserved > 0) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					worker.runReserved((status == STATUS_COMMITTED) ? claimed : List.of(), reserved);
				}
			});
		}
		if (claimed.size() < inserted.size()) {
			pendingAfterCommit(Arrays.stream(orderingKeys).anyMatch(Objects::nonNull));
		}
		return inserted.size();
	}

	private static int handableAtMost(String[] orderingKeys) {
		Set<String> keys = new HashSet<>();
		int unordered = 0;
		for (String key : orderingKeys) {
			if (key == null) {
				unordered++;
			}
			else {
				keys.add(key);
			}
		}
		return unordered + keys.size();
	}

	/**
	 * Which of {@code orderingKeys} an unfinished (pending or running) job holds, in one
	 * statement: work that must come after those jobs has to queue behind them rather
	 * than be done now. Joins the caller's transaction.
	 */
	public Set<String> unfinished(Collection<String> orderingKeys) {
		if (orderingKeys.isEmpty()) {
			return Set.of();
		}
		return Set.copyOf(this.jobs.unfinishedOrderingKeys(orderingKeys.toArray(String[]::new)));
	}

	/** One job of {@link #enqueueOrdered(JobType, List)}. */
	public record OrderedJob<P>(String dedupKey, P payload, String orderingKey) {
	}

	private <P> boolean enqueue(JobType<P> type, String dedupKey, P payload, Instant runAt, String orderingKey) {
		String kind = type.kind();
		String json = json(type, payload);
		JobHandoff handoff = (runAt == null) ? JobHandoff.offeredFor(kind) : null;
		if (handoff != null) {
			JobRepository.Inserted inserted = this.jobs.insertForHandoff(kind, dedupKey, json, orderingKey,
					handoff.workerId, handoff.lease);
			if (inserted == null) {
				return false;
			}
			if (inserted.claimed()) {
				handoff.take(inserted.job());
			}
			else {
				// Held back by an older job of its ordering key: the dispatcher claims it
				// after that one.
				pendingAfterCommit(true);
			}
			return true;
		}
		boolean created = this.jobs.insert(kind, dedupKey, json, runAt, orderingKey);
		if (created) {
			pendingAfterCommit(orderingKey != null);
		}
		return created;
	}

	/**
	 * The payload as stored: JSON, read back as {@code type}'s payload class by the
	 * worker. The cast stops a caller that bypassed the generics here rather than at the
	 * handler, attempts later.
	 */
	private <P> String json(JobType<P> type, P payload) {
		return this.json.writeValueAsString(type.payload().cast(payload));
	}

	/**
	 * Wakes the local dispatcher once pending jobs are committed.
	 * @param ordered whether one may be held back by an older job of its ordering key
	 */
	private void pendingAfterCommit(boolean ordered) {
		Runnable wake = () -> {
			if (ordered) {
				this.signal.heldBack();
			}
			this.signal.wakeUp();
		};
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					wake.run();
				}
			});
		}
		else {
			wake.run();
		}
	}

}
