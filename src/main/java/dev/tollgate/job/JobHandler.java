package dev.tollgate.job;

/**
 * Does the work of one job kind. Called outside any transaction, so slow I/O holds no database
 * connection; whatever must be written together with the job's completion (audit events,
 * follow-up jobs) goes into {@link JobOutcome#done(Runnable)}.
 * <p>
 * An exception counts as a transient failure: the job is retried with backoff until its attempts
 * run out, then it is {@code DEAD}.
 */
public interface JobHandler {

	String kind();

	JobOutcome handle(Job job) throws Exception;

	/**
	 * Called in the transaction that marks the job {@code DEAD} (a permanent failure, or its
	 * attempts ran out), so the handler can record the failure durably, e.g. as an audit event.
	 */
	default void buried(Job job, String reason) {
	}

}
