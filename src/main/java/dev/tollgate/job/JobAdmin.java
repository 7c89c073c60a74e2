package dev.tollgate.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** What operators see of the queue, and the re-drive of dead jobs. */
@Service
public class JobAdmin {

	private final JdbcClient jdbc;

	private final JobRepository jobs;

	private final JobSignal signal;

	JobAdmin(JdbcClient jdbc, JobRepository jobs, JobSignal signal) {
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
		return this.jdbc.sql("""
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

	/** Re-queues a dead job with fresh attempts; false if it is not dead (or does not exist). */
	public boolean retry(long id) {
		boolean requeued = this.jobs.retryDead(id);
		if (requeued) {
			this.signal.wakeUp();
		}
		return requeued;
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
