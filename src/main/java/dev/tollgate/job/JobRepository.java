package dev.tollgate.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Hand-written SQL for the queue's hot paths. */
@Repository
class JobRepository {

	/** Run before the claim statements, in their transaction (see {@link #claim}). */
	static final String CLAIM_PLANNER_SETTINGS = "SET LOCAL enable_sort = off";

	/** Claims jobs whose worker died (walks job_lease_idx). */
	static final String EXPIRED_LEASES = claimSql("status = 'RUNNING' AND locked_until < now()", "locked_until, id");

	/** Claims due pending jobs (walks job_claimable_idx). */
	static final String DUE_PENDING = claimSql("status = 'PENDING' AND run_at <= now()", "run_at, id");

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	JobRepository(JdbcClient jdbc, TransactionTemplate tx) {
		this.jdbc = jdbc;
		this.tx = tx;
	}

	/** Inserts a job unless one with the same dedup key exists; returns whether it was inserted. */
	boolean insert(String kind, String dedupKey, String payloadJson, Instant runAt, String orderingKey) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, run_at, ordering_key)
				VALUES (:kind, :dedupKey, CAST(:payload AS jsonb), COALESCE(:runAt, now()), :orderingKey)
				ON CONFLICT (dedup_key) DO NOTHING
				""")
			.param("orderingKey", orderingKey)
			.param("kind", kind)
			.param("dedupKey", dedupKey)
			.param("payload", payloadJson)
			.param("runAt", (runAt != null) ? java.sql.Timestamp.from(runAt) : null, java.sql.Types.TIMESTAMP)
			.update() == 1;
	}

	/**
	 * Inserts a batch of jobs of one kind in one statement, in list order (so ids, and with them
	 * the order within an ordering key, follow the list); rows whose dedup key exists are skipped.
	 * Arrays keep the statement text fixed, whatever the batch size.
	 * @return how many were inserted
	 */
	int insertAll(String kind, String[] dedupKeys, String[] payloadsJson, String[] orderingKeys) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, ordering_key)
				SELECT :kind, u.dedup_key, CAST(u.payload AS jsonb), u.ordering_key
				FROM unnest(CAST(:dedupKeys AS text[]), CAST(:payloads AS text[]), CAST(:orderingKeys AS text[]))
				     WITH ORDINALITY AS u(dedup_key, payload, ordering_key, n)
				ORDER BY u.n
				ON CONFLICT (dedup_key) DO NOTHING
				""")
			.param("kind", kind)
			.param("dedupKeys", new SqlParameterValue(Types.ARRAY, dedupKeys))
			.param("payloads", new SqlParameterValue(Types.ARRAY, payloadsJson))
			.param("orderingKeys", new SqlParameterValue(Types.ARRAY, orderingKeys))
			.update();
	}

	/**
	 * Claims up to {@code limit} due jobs of the given kinds: pending ones whose time has come, and
	 * running ones whose lease expired (their worker died). SKIP LOCKED lets concurrent claimers
	 * pass each other instead of queueing on the same rows. A job waits while an older unfinished job
	 * has its ordering key. Two replicas may still both see the oldest job of a key as claimable, but
	 * only one gets its row lock.
	 * @param includeExpiredLeases whether to look for expired leases too; a dead worker's jobs wait
	 * for their lease anyway, so the dispatcher looks for them once per poll interval, not per claim
	 */
	List<Job> claim(List<String> kinds, int limit, String workerId, Duration lease, boolean includeExpiredLeases) {
		return this.tx.execute((status) -> {
			// Each claim must walk its partial index in order and stop after `limit` rows, so it costs
			// the same with 10 or 100,000 jobs due. The only other plans read every due job and sort
			// them; the planner picks one of those whenever its statistics are older than the backlog
			// (V14), so sorting is ruled out for this transaction. Two statements rather than one with
			// an OR, for the same reason.
			this.jdbc.sql(CLAIM_PLANNER_SETTINGS).update();
			List<Job> claimed = new ArrayList<>(limit);
			if (includeExpiredLeases) {
				claimed.addAll(claimWhere(EXPIRED_LEASES, kinds, limit, workerId, lease));
			}
			if (claimed.size() < limit) {
				claimed.addAll(claimWhere(DUE_PENDING, kinds, limit - claimed.size(), workerId, lease));
			}
			return claimed;
		});
	}

	private List<Job> claimWhere(String claimSql, List<String> kinds, int limit, String workerId, Duration lease) {
		return this.jdbc.sql(claimSql)
			.param("worker", workerId)
			.param("leaseSeconds", lease.toMillis() / 1000.0)
			.param("kinds", kinds.toArray(String[]::new))
			.param("limit", limit)
			.query(JobRepository::mapJob)
			.list();
	}

	/**
	 * The claim statement for one partial index; parameters {@code worker}, {@code leaseSeconds},
	 * {@code kinds} and {@code limit}.
	 * @param due and {@code order} are constant SQL fragments, never input
	 */
	private static String claimSql(String due, String order) {
		return """
				UPDATE tollgate.job j
				SET status = 'RUNNING', attempts = j.attempts + 1, locked_by = :worker,
				    locked_until = now() + make_interval(secs => :leaseSeconds), updated_at = now()
				FROM (SELECT id FROM tollgate.job j0
				      WHERE %s AND kind = ANY(:kinds)
				        AND (ordering_key IS NULL OR NOT EXISTS (
				            SELECT 1 FROM tollgate.job earlier
				            WHERE earlier.ordering_key = j0.ordering_key AND earlier.id < j0.id
				              AND earlier.status IN ('PENDING', 'RUNNING')))
				      ORDER BY %s
				      LIMIT :limit
				      FOR UPDATE SKIP LOCKED) due
				WHERE j.id = due.id
				RETURNING j.id, j.kind, j.dedup_key, j.payload::text AS payload, j.attempts, j.created_at,
				    j.last_error IS NOT NULL AS failed_before
				""".formatted(due, order);
	}

	/** Marks the job succeeded if this worker still holds it; false means the lease was lost. */
	boolean markSucceeded(Job job, String workerId) {
		return this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'SUCCEEDED', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = now()
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")
			.param("id", job.id())
			.param("worker", workerId)
			.param("attempts", job.attempts())
			.update() == 1;
	}

	boolean reschedule(Job job, String workerId, Instant runAt, String error) {
		return this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'PENDING', run_at = :runAt, locked_by = NULL, locked_until = NULL,
				    last_error = :error, updated_at = now()
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")
			.param("runAt", java.sql.Timestamp.from(runAt))
			.param("error", error)
			.param("id", job.id())
			.param("worker", workerId)
			.param("attempts", job.attempts())
			.update() == 1;
	}

	boolean markDead(Job job, String workerId, String error) {
		return this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'DEAD', locked_by = NULL, locked_until = NULL, last_error = :error, updated_at = now()
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")
			.param("error", error)
			.param("id", job.id())
			.param("worker", workerId)
			.param("attempts", job.attempts())
			.update() == 1;
	}

	/** Extends the leases of jobs this worker is still running, so a slow job is never taken twice. */
	int extendLeases(List<Long> ids, String workerId, Duration lease) {
		return this.jdbc.sql("""
				UPDATE tollgate.job SET locked_until = now() + make_interval(secs => :leaseSeconds)
				WHERE id = ANY(:ids) AND status = 'RUNNING' AND locked_by = :worker
				""")
			.param("leaseSeconds", lease.toMillis() / 1000.0)
			.param("ids", ids.toArray(Long[]::new))
			.param("worker", workerId)
			.update();
	}

	/** Puts the job back until {@code runAt} without counting this attempt. */
	boolean defer(Job job, String workerId, Instant runAt, String reason) {
		return this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'PENDING', attempts = attempts - 1, run_at = :runAt, locked_by = NULL, locked_until = NULL,
				    last_error = :reason, updated_at = now()
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")
			.param("runAt", java.sql.Timestamp.from(runAt))
			.param("reason", reason)
			.param("id", job.id())
			.param("worker", workerId)
			.param("attempts", job.attempts())
			.update() == 1;
	}

	/**
	 * Gives an unfinished job back on shutdown without counting the attempt, so another replica
	 * can take it at once instead of after the lease. The note in {@code last_error} makes the next
	 * attempt check whether this one had an effect.
	 */
	void release(Job job, String workerId) {
		this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'PENDING', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, updated_at = now(),
				    last_error = COALESCE(last_error, 'released at shutdown while running')
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")
			.param("id", job.id())
			.param("worker", workerId)
			.param("attempts", job.attempts())
			.update();
	}

	/**
	 * Puts a dead job back in the queue with a fresh set of attempts; its last error is kept, so the
	 * handler knows it was tried before.
	 */
	boolean retryDead(long id) {
		return this.jdbc.sql("""
				UPDATE tollgate.job
				SET status = 'PENDING', attempts = 0, run_at = now(), updated_at = now()
				WHERE id = :id AND status = 'DEAD'
				""").param("id", id).update() == 1;
	}

	int purgeSucceeded(Duration olderThan) {
		return this.jdbc.sql("""
				DELETE FROM tollgate.job
				WHERE status = 'SUCCEEDED' AND updated_at < now() - make_interval(secs => :seconds)
				""").param("seconds", (double) olderThan.toSeconds()).update();
	}

	List<KindStats> stats() {
		return this.jdbc.sql("""
				SELECT kind,
				       count(*) FILTER (WHERE status IN ('PENDING', 'RUNNING')) AS pending,
				       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status IN ('PENDING', 'RUNNING'))), 0)
				           AS oldest_age,
				       count(*) FILTER (WHERE status = 'DEAD') AS dead
				FROM tollgate.job
				WHERE status IN ('PENDING', 'RUNNING', 'DEAD')
				GROUP BY kind
				""")
			.query((rs, n) -> new KindStats(rs.getString("kind"), rs.getLong("pending"), rs.getDouble("oldest_age"),
					rs.getLong("dead")))
			.list();
	}

	private static Job mapJob(ResultSet rs, int rowNum) throws SQLException {
		return new Job(rs.getLong("id"), rs.getString("kind"), rs.getString("dedup_key"), rs.getString("payload"),
				rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), rs.getBoolean("failed_before"));
	}

	record KindStats(String kind, long pending, double oldestAgeSeconds, long dead) {
	}

}
