SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- (status, kind) let the planner answer the claim with "every PENDING job, then sort" whenever its
-- statistics were taken while the queue was short, which is exactly when a backlog builds up: each
-- claim then read and sorted the whole backlog (8-20 ms at 2,000-4,000 due jobs, hundreds of times
-- a second). The claim walks job_claimable_idx in order instead; the job monitor counts dead jobs
-- through this smaller index, and the hourly purge of old SUCCEEDED jobs scans the table.
DROP INDEX job_status_kind_idx;
CREATE INDEX job_dead_idx ON job (kind) WHERE status = 'DEAD';

-- A queue table churns: every job is updated two or three times. Vacuum it (and refresh its
-- statistics) after 2 % of it changed rather than 20 %, so dead index entries do not pile up in
-- front of the claim's index walk.
ALTER TABLE job SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
