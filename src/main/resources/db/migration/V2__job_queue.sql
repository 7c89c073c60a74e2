SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The durable queue behind every side effect (ADR 0001). Claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE job (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT        NOT NULL,
    dedup_key    TEXT        NOT NULL,
    payload      JSONB       NOT NULL,
    status       TEXT        NOT NULL DEFAULT 'PENDING'
                             CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'DEAD')),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    run_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_by    TEXT,
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT job_dedup_key_uq UNIQUE (dedup_key),
    CONSTRAINT job_running_is_leased CHECK (status <> 'RUNNING' OR locked_until IS NOT NULL)
);

-- Only unfinished jobs are ever scanned by the claim query, so the index stays small.
CREATE INDEX job_claimable_idx ON job (run_at) WHERE status = 'PENDING';
CREATE INDEX job_lease_idx ON job (locked_until) WHERE status = 'RUNNING';
CREATE INDEX job_status_kind_idx ON job (status, kind);
