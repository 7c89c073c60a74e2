SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- Jobs with the same ordering key run one at a time, oldest first (comments on one issue arrive in
-- the order their decisions were made, even across retries and an outage).
ALTER TABLE job ADD COLUMN ordering_key TEXT;
CREATE INDEX job_ordering_idx ON job (ordering_key, id) WHERE ordering_key IS NOT NULL AND status IN ('PENDING', 'RUNNING');
