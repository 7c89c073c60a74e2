SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The claim as one round trip (ADR 0012). It used to be a transaction of its own: BEGIN with
-- SET LOCAL enable_sort = off, the UPDATE, COMMIT - three round trips, two or three claims per
-- webhook, at a time when round trips, not statements, were most of PostgreSQL's CPU per webhook.
-- The function's SET clause scopes the planner setting to the call (ADR 0010: with sorting ruled out,
-- the only plan left walks the partial index in order and stops after max_jobs rows), so the claim
-- runs as one statement in autocommit. PL/pgSQL caches the two plans per connection.
--
-- Claims up to max_jobs jobs of the given kinds: running ones whose lease expired (their worker
-- died; only when with_expired_leases) first, then pending ones that are due, oldest first. A job
-- waits while an older unfinished job has its ordering key. SKIP LOCKED lets concurrent claimers
-- pass each other.
CREATE FUNCTION claim_jobs(kinds TEXT[], max_jobs INTEGER, worker TEXT, lease_seconds DOUBLE PRECISION,
                           with_expired_leases BOOLEAN)
    RETURNS TABLE (id BIGINT, kind TEXT, dedup_key TEXT, payload TEXT, attempts INTEGER,
                   created_at TIMESTAMPTZ, failed_before BOOLEAN)
    LANGUAGE plpgsql
    STRICT
    SET enable_sort = off
AS $$
DECLARE
    claimed INTEGER := 0;
BEGIN
    IF with_expired_leases THEN
        RETURN QUERY
        UPDATE tollgate.job j
        SET status = 'RUNNING', attempts = j.attempts + 1, locked_by = worker,
            locked_until = now() + make_interval(secs => lease_seconds), updated_at = now()
        FROM (SELECT j0.id FROM tollgate.job j0
              WHERE j0.status = 'RUNNING' AND j0.locked_until < now() AND j0.kind = ANY(kinds)
                AND (j0.ordering_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM tollgate.job earlier
                    WHERE earlier.ordering_key = j0.ordering_key AND earlier.id < j0.id
                      AND earlier.status IN ('PENDING', 'RUNNING')))
              ORDER BY j0.locked_until, j0.id
              LIMIT max_jobs
              FOR UPDATE SKIP LOCKED) due
        WHERE j.id = due.id
        RETURNING j.id, j.kind, j.dedup_key, j.payload::text, j.attempts, j.created_at, j.last_error IS NOT NULL;
        GET DIAGNOSTICS claimed = ROW_COUNT;
    END IF;
    IF claimed < max_jobs THEN
        RETURN QUERY
        UPDATE tollgate.job j
        SET status = 'RUNNING', attempts = j.attempts + 1, locked_by = worker,
            locked_until = now() + make_interval(secs => lease_seconds), updated_at = now()
        FROM (SELECT j0.id FROM tollgate.job j0
              WHERE j0.status = 'PENDING' AND j0.run_at <= now() AND j0.kind = ANY(kinds)
                AND (j0.ordering_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM tollgate.job earlier
                    WHERE earlier.ordering_key = j0.ordering_key AND earlier.id < j0.id
                      AND earlier.status IN ('PENDING', 'RUNNING')))
              ORDER BY j0.run_at, j0.id
              LIMIT max_jobs - claimed
              FOR UPDATE SKIP LOCKED) due
        WHERE j.id = due.id
        RETURNING j.id, j.kind, j.dedup_key, j.payload::text, j.attempts, j.created_at, j.last_error IS NOT NULL;
    END IF;
END
$$;
