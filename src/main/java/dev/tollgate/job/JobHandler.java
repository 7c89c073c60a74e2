package dev.tollgate.job;

/**
 * Does the work of one {@link JobType}. Called outside any transaction, so slow I/O holds
 * no database connection; whatever must be written together with the job's completion
 * (audit events, follow-up jobs) goes into {@link JobOutcome#done(Runnable)}.
 * <p>
 * The worker reads the payload before calling the handler. An exception (also a payload
 * that cannot be read) counts as a transient failure: the job is retried with backoff
 * until its attempts run out, then it is {@code DEAD}.
 *
 * @param <P> the payload type of the job type handled
 */
public interface JobHandler<P> {

	/**
	 * The one job type this handler runs; two handlers of one kind stop the application
	 * starting.
	 */
	JobType<P> type();

	JobOutcome handle(Job job, P payload) throws Exception;

	/**
	 * Called in the transaction that marks the job {@code DEAD} (a permanent failure, or
	 * its attempts ran out), so the handler can record the failure durably, e.g. as an
	 * audit event. Not called for a job whose payload could not be read: there is nothing
	 * to record it about.
	 */
	default void buried(Job job, P payload, String reason) {
	}

}
