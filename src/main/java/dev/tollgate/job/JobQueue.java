package dev.tollgate.job;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enqueues jobs. {@link #enqueue} joins the caller's transaction: the job exists exactly when the
 * caller's work committed, and local workers are woken right after that commit.
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
	 * @param dedupKey unique across all jobs ever enqueued (until purged): a second enqueue with the
	 * same key does nothing, which is what makes "one effect per decision" hold
	 * @return whether a job was created
	 */
	public boolean enqueue(String kind, String dedupKey, Object payload) {
		return enqueue(kind, dedupKey, payload, null);
	}

	/** Enqueues a job that becomes due at {@code runAt} ({@code null}: now). */
	public boolean enqueue(String kind, String dedupKey, Object payload, Instant runAt) {
		return enqueue(kind, dedupKey, payload, runAt, null);
	}

	/**
	 * Enqueues a job that runs only after every older unfinished job with the same
	 * {@code orderingKey} (e.g. the comments on one issue, in order).
	 */
	public boolean enqueueOrdered(String kind, String dedupKey, Object payload, String orderingKey) {
		return enqueue(kind, dedupKey, payload, null, orderingKey);
	}

	/**
	 * Enqueues a batch of ordered jobs of one kind in one statement, in list order; the batch
	 * equivalent of {@link #enqueueOrdered(String, String, Object, String)} for group commit.
	 * @return how many jobs were created
	 */
	public int enqueueOrdered(String kind, List<OrderedJob> batch) {
		if (batch.isEmpty()) {
			return 0;
		}
		int size = batch.size();
		String[] dedupKeys = new String[size];
		String[] payloads = new String[size];
		String[] orderingKeys = new String[size];
		for (int i = 0; i < size; i++) {
			OrderedJob job = batch.get(i);
			dedupKeys[i] = job.dedupKey();
			payloads[i] = this.json.writeValueAsString(job.payload());
			orderingKeys[i] = job.orderingKey();
		}
		int created = this.jobs.insertAll(kind, dedupKeys, payloads, orderingKeys);
		if (created > 0) {
			wakeWorkersAfterCommit();
		}
		return created;
	}

	/** One job of {@link #enqueueOrdered(String, List)}. */
	public record OrderedJob(String dedupKey, Object payload, String orderingKey) {
	}

	private boolean enqueue(String kind, String dedupKey, Object payload, Instant runAt, String orderingKey) {
		JobHandoff handoff = (runAt == null) ? JobHandoff.offeredFor(kind) : null;
		if (handoff != null) {
			JobRepository.Inserted inserted = this.jobs.insertForHandoff(kind, dedupKey,
					this.json.writeValueAsString(payload), orderingKey, handoff.workerId, handoff.lease);
			if (inserted == null) {
				return false;
			}
			if (inserted.claimed()) {
				handoff.take(inserted.job());
			}
			else {
				// Held back by an older job of its ordering key: the dispatcher claims it after that one.
				wakeWorkersAfterCommit();
			}
			return true;
		}
		boolean created = this.jobs.insert(kind, dedupKey, this.json.writeValueAsString(payload), runAt, orderingKey);
		if (created) {
			wakeWorkersAfterCommit();
		}
		return created;
	}

	private void wakeWorkersAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					JobQueue.this.signal.wakeUp();
				}
			});
		}
		else {
			this.signal.wakeUp();
		}
	}

}
