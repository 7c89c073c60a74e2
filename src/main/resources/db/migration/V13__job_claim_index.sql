SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The claim walks due PENDING jobs in (run_at, id) order and stops after the few it takes, instead
-- of fetching and sorting the whole due backlog on every wake-up.
DROP INDEX job_claimable_idx;
CREATE INDEX job_claimable_idx ON job (run_at, id) WHERE status = 'PENDING';
