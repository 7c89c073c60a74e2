SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- How a target authenticates (kind-specific, see README), and the GitHub App it acts as.
ALTER TABLE target ADD COLUMN auth TEXT;
ALTER TABLE target ADD COLUMN app_id TEXT;
ALTER TABLE target ADD COLUMN installation_id TEXT;

-- One row per started run: what CI status callbacks are matched against.
CREATE TABLE pipeline_run (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id  UUID        NOT NULL,
    provider     TEXT        NOT NULL,
    target       TEXT        NOT NULL,
    run_id       TEXT,
    run_url      TEXT,
    state        TEXT        NOT NULL DEFAULT 'STARTED',
    result       TEXT,
    delivery_id  TEXT,
    issue_id     TEXT,
    issue_key    TEXT,
    project_key  TEXT,
    issue_type   TEXT,
    actor_account_id TEXT,
    from_status  TEXT,
    to_status    TEXT,
    rule_id      BIGINT,
    rule_name    TEXT,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    CONSTRAINT pipeline_run_decision_uq UNIQUE (decision_id)
);
CREATE INDEX pipeline_run_provider_run_idx ON pipeline_run (provider, run_id);
