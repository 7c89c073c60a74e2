package dev.tollgate.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.tollgate.audit.AuditEvent;
import dev.tollgate.audit.AuditEventType;
import dev.tollgate.audit.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** What operators see of the queue, and the re-drive of dead jobs. */
@Service
public class JobAdmin {

	private final JdbcClient jdbc;

	private final JobRepository jobs;

	private final JobSignal signal;

	private final AuditLog audit;

	JobAdmin(JdbcClient jdbc, JobRepository jobs, JobSignal signal, AuditLog audit) {
		this.audit = audit;
		this.jdbc = jdbc;
		this.jobs = jobs;
		this.signal = signal;
	}

	public enum Status {

		PENDING, RUNNING, SUCCEEDED, DEAD

	}

	/** A job as listed; the payload is left out (it is internal and can be large). */
	public record JobView(long id, String kind, String dedupKey, String status, int attempts, Instant runAt,
			String lastError, Instant createdAt, Instant updatedAt) {
	}

	public List<JobView> list(Status status, String kind, int limit) {
		return this.jdbc
			.sql("""
					SELECT id, kind, dedup_key, status, attempts, run_at, last_error, created_at, updated_at
					FROM tollgate.job
					WHERE (CAST(:status AS text) IS NULL OR status = :status) AND (CAST(:kind AS text) IS NULL OR kind = :kind)
					ORDER BY id DESC LIMIT :limit
					""")
			.param("status", (status != null) ? status.name() : null, java.sql.Types.VARCHAR)
			.param("kind", (kind != null && !kind.isBlank()) ? kind : null, java.sql.Types.VARCHAR)
			.param("limit", Math.max(1, Math.min(limit, 1000)))
			.query((rs, n) -> new JobView(rs.getLong("id"), rs.getString("kind"), rs.getString("dedup_key"),
					rs.getString("status"), rs.getInt("attempts"), instant(rs.getTimestamp("run_at")),
					rs.getString("last_error"), instant(rs.getTimestamp("created_at")),
					instant(rs.getTimestamp("updated_at"))))
			.list();
	}

	/**
	 * Re-queues a dead job with fresh attempts, audited like every admin change; false if
	 * it is not dead (or does not exist).
	 */
	@Transactional
	public boolean retry(long id, String changedBy) {
		if (!this.jobs.retryDead(id)) {
			return false;
		}
		this.audit.append(AuditEvent
			.of(AuditEventType.POLICY_CHANGED, "Token '" + changedBy + "' re-queued dead job " + id + ".")
			.outcome("RETRY")
			.details(Map.of("changedBy", changedBy, "resource", "job", "name", Long.toString(id), "action", "RETRY"))
			.build());
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				JobAdmin.this.signal.wakeUp();
			}
		});
		return true;
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
