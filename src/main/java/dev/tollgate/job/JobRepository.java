package dev.tollgate.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.Set;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Hand-written SQL for the queue's hot paths. */
@Repository
class JobRepository {

	private final JdbcClient jdbc;

	JobRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts a job unless one with the same dedup key exists; returns whether it was
	 * inserted.
	 */
	boolean insert(String kind, String dedupKey, String payloadJson, Instant runAt, String orderingKey) {
		return this.jdbc.sql("""
				INSERT INTO tollgate.job (kind, dedup_key, payload, run_at, ordering_key)
				VALUES (:kind, :dedupKey, CAST(:payload AS jsonb), COALESCE(:runAt, now()), :orderingKey)
				ON CONFLICT (dedup_key) DO NOTHING
				""")
			// Typed, so that jobs with and without an ordering key share one prepared
			// statement.
			.param("orderingKey", orderingKey, Types.VARCHAR)
			.param("kind", kind)
			.param("dedupKey", dedupKey)
			.param("payload", payloadJson)
			.param("runAt", (runAt != null) ? Timestamp.from(runAt) : null, Types.TIMESTAMP)
			.update() == 1;
	}

	/**
	 * Inserts a job for a worker that runs it next itself ({@link JobHandoff}): already
	 * claimed by {@code workerId} (first attempt, leased) when no unfinished job has its
	 * ordering key, otherwise {@code PENDING}, to be claimed once the older job of its
	 * key has finished; {@link #insertAll}'s rule for a batch of one.
	 * @return the inserted job, or {@code null} when the dedup key exists
	 */
	Inserted insertForHandoff(String kind, String dedupKey, String payloadJson, String orderingKey, String workerId,
			Duration lease) {
		List<Inserted> inserted = insertAll(kind, new String[] { dedupKey }, new String[] { payloadJson },
				new String[] { orderingKey }, 1, workerId, lease);
		return inserted.isEmpty() ? null : inserted.get(0);
	}

	/**
	 * A job inserted for a hand-off; {@code claimed}: born running, leased to the worker.
	 */
	record Inserted(Job job, boolean claimed) {
	}

	/**
	 * Inserts a batch of jobs of one kind in one statement, in list order (so ids, and
	 * with them the order within an ordering key, follow the list); rows whose dedup key
	 * exists are skipped. Up to {@code handOver} of them are inserted already claimed by
	 * {@code workerId}, for that worker to run at once: in list order, those that nothing
	 * holds back (the claim's ordering rule: no unfinished job, and no earlier row of the
	 * batch, has their ordering key). Arrays keep the statement text fixed, whatever the
	 * batch size.
	 * @return the inserted jobs
	 */
	List<Inserted> insertAll(String kind, String[] dedupKeys, String[] payloadsJson, String[] orderingKeys,
			int handOver, String workerId, Duration lease) {
		Map<String, String> payloads = new HashMap<>();
		for (int i = 0; i < dedupKeys.length; i++) {
			payloads.put(dedupKeys[i], payloadsJson[i]);
		}
		return this.jdbc
			.sql("""
					INSERT INTO tollgate.job (kind, dedup_key, payload, ordering_key, status, attempts, locked_by, locked_until)
					SELECT :kind, h.dedup_key, CAST(h.payload AS jsonb), h.ordering_key,
					       CASE WHEN h.claimed THEN 'RUNNING' ELSE 'PENDING' END, CASE WHEN h.claimed THEN 1 ELSE 0 END,
					       CASE WHEN h.claimed THEN :worker END,
					       CASE WHEN h.claimed THEN now() + make_interval(secs => :leaseSeconds) END
					FROM (SELECT f.*, f.free AND count(*) FILTER (WHERE f.free) OVER (ORDER BY f.n) <= :handOver AS claimed
					      FROM (SELECT u.*, u.ordering_key IS NULL
					                   OR (row_number() OVER (PARTITION BY u.ordering_key ORDER BY u.n) = 1
					                       AND NOT EXISTS (SELECT 1 FROM tollgate.job older
					                                       WHERE older.ordering_key = u.ordering_key
					                                         AND older.status IN ('PENDING', 'RUNNING'))) AS free
					            FROM unnest(CAST(:dedupKeys AS text[]), CAST(:payloads AS text[]),
					                        CAST(:orderingKeys AS text[]))
					                 WITH ORDINALITY AS u(dedup_key, payload, ordering_key, n)) f) h
					ORDER BY h.n
					ON CONFLICT (dedup_key) DO NOTHING
					RETURNING id, dedup_key, attempts, created_at, status = 'RUNNING' AS claimed
					""")
			.param("kind", kind)
			.param("dedupKeys", new SqlParameterValue(Types.ARRAY, dedupKeys))
			.param("payloads", new SqlParameterValue(Types.ARRAY, payloadsJson))
			.param("orderingKeys", new SqlParameterValue(Types.ARRAY, orderingKeys))
			.param("handOver", handOver)
			.param("worker", workerId, Types.VARCHAR)
			.param("leaseSeconds", lease.toMillis() / 1000.0)
			.query((rs, row) -> new Inserted(
					new Job(rs.getLong("id"), kind, rs.getString("dedup_key"), payloads.get(rs.getString("dedup_key")),
							rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), false),
					rs.getBoolean("claimed")))
			.list();
	}

	/**
	 * Claims up to {@code limit} due jobs of the given kinds: pending ones whose time has
	 * come, and running ones whose lease expired (their worker died). One round trip: the
	 * claim is the {@code tollgate.claim_jobs} function (V15, ADR 0012), which walks the
	 * partial indexes in order whatever the planner's statistics say (ADR 0010), lets
	 * concurrent claimers pass each other (SKIP LOCKED) and holds a job back while an
	 * older unfinished job has its ordering key. Two replicas may still both see the
	 * oldest job of a key as claimable, but only one gets its row lock.
	 * @param includeExpiredLeases whether to look for expired leases too; a dead worker's
	 * jobs wait for their lease anyway, so the dispatcher looks for them once per poll
	 * interval, not per claim
	 */
	List<Job> claim(List<String> kinds, int limit, String workerId, Duration lease, boolean includeExpiredLeases) {
		return this.jdbc.sql("SELECT * FROM tollgate.claim_jobs(:kinds, :limit, :worker, :leaseSeconds, :expired)")
			.param("kinds", kinds.toArray(String[]::new))
			.param("limit", limit)
			.param("worker", workerId)
			.param("leaseSeconds", lease.toMillis() / 1000.0)
			.param("expired", includeExpiredLeases)
			.query(JobRepository::mapJob)
			.list();
	}

	/**
	 * Marks the job succeeded if this worker still holds it; false means the lease was
	 * lost.
	 */
	boolean markSucceeded(Job job, String workerId) {
		return updateHeld(job, workerId, "status = 'SUCCEEDED', last_error = NULL", (spec) -> spec);
	}

	/**
	 * Marks a batch of jobs succeeded in one statement, each only if this worker still
	 * holds it at the attempt it ran ({@link #markSucceeded}'s rule, row by row).
	 * @return the ids marked; a job missing from them lost its lease
	 */
	Set<Long> markAllSucceeded(List<Job> batch, String workerId) {
		Long[] ids = batch.stream().map(Job::id).toArray(Long[]::new);
		Integer[] attempts = batch.stream().map(Job::attempts).toArray(Integer[]::new);
		return new HashSet<>(this.jdbc.sql("""
				UPDATE tollgate.job j
				SET status = 'SUCCEEDED', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = now()
				FROM unnest(CAST(:ids AS bigint[]), CAST(:attempts AS integer[])) AS d(id, attempts)
				WHERE j.id = d.id AND j.status = 'RUNNING' AND j.locked_by = :worker AND j.attempts = d.attempts
				RETURNING j.id
				""")
			.param("ids", new SqlParameterValue(Types.ARRAY, ids))
			.param("attempts", new SqlParameterValue(Types.ARRAY, attempts))
			.param("worker", workerId)
			.query(Long.class)
			.list());
	}

	boolean reschedule(Job job, String workerId, Instant runAt, String error) {
		return updateHeld(job, workerId, "status = 'PENDING', run_at = :runAt, last_error = :error",
				(spec) -> spec.param("runAt", Timestamp.from(runAt)).param("error", error));
	}

	boolean markDead(Job job, String workerId, String error) {
		return updateHeld(job, workerId, "status = 'DEAD', last_error = :error", (spec) -> spec.param("error", error));
	}

	/**
	 * Extends the leases of jobs this worker is still running, so a slow job is never
	 * taken twice.
	 */
	int extendLeases(List<Long> ids, String workerId, Duration lease) {
		return this.jdbc.sql("""
				UPDATE tollgate.job SET locked_until = now() + make_interval(secs => :leaseSeconds)
				WHERE id = ANY(:ids) AND status = 'RUNNING' AND locked_by = :worker
				""")
			.param("leaseSeconds", lease.toMillis() / 1000.0)
			.param("ids", ids.stream().sorted().toArray(Long[]::new))
			.param("worker", workerId)
			.update();
	}

	/** Makes the pending jobs of {@code kind} deferred with {@code reason} due now. */
	/** Which of these ordering keys an unfinished job holds; one statement. */
	Set<String> unfinishedOrderingKeys(String[] orderingKeys) {
		return new HashSet<>(this.jdbc.sql("""
				SELECT DISTINCT ordering_key FROM tollgate.job
				WHERE ordering_key = ANY(CAST(:keys AS text[])) AND status IN ('PENDING', 'RUNNING')
				""").param("keys", new SqlParameterValue(Types.ARRAY, orderingKeys)).query(String.class).list());
	}

	int resumeDeferred(String kind, String reason) {
		return this.jdbc.sql("""
				UPDATE tollgate.job SET run_at = now(), updated_at = now()
				WHERE kind = :kind AND status = 'PENDING' AND last_error = :reason AND run_at > now()
				""").param("kind", kind).param("reason", reason).update();
	}

	/** Puts the job back until {@code runAt} without counting this attempt. */
	boolean defer(Job job, String workerId, Instant runAt, String reason) {
		return updateHeld(job, workerId,
				"status = 'PENDING', attempts = attempts - 1, run_at = :runAt, last_error = :reason",
				(spec) -> spec.param("runAt", Timestamp.from(runAt)).param("reason", reason));
	}

	/**
	 * Gives an unfinished job back on shutdown without counting the attempt, so another
	 * replica can take it at once instead of after the lease. The note in
	 * {@code last_error} makes the next attempt check whether this one had an effect.
	 */
	void release(Job job, String workerId) {
		updateHeld(job, workerId,
				"status = 'PENDING', attempts = attempts - 1, last_error = COALESCE(last_error, 'released at shutdown while running')",
				(spec) -> spec);
	}

	/**
	 * Changes a job this worker is running, and lets go of it, only if the worker still
	 * holds it at the attempt it ran: a job whose lease ran out and that another worker
	 * took is left alone. {@code set} is one of this class's fixed assignments, never
	 * input; values come in as parameters.
	 * @return whether the job was changed
	 */
	private boolean updateHeld(Job job, String workerId, String set, UnaryOperator<JdbcClient.StatementSpec> values) {
		return values.apply(this.jdbc.sql("UPDATE tollgate.job SET " + set + """
				, locked_by = NULL, locked_until = NULL, updated_at = now()
				WHERE id = :id AND status = 'RUNNING' AND locked_by = :worker AND attempts = :attempts
				""")).param("id", job.id()).param("worker", workerId).param("attempts", job.attempts()).update() == 1;
	}

	/**
	 * Puts a dead job back in the queue with a fresh set of attempts; its last error is
	 * kept, so the handler knows it was tried before.
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
		return this.jdbc
			.sql("""
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
