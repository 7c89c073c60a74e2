SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- A CI report that arrived before its trigger job had recorded the run (a run that finished within
-- that second): parked here and applied when the run is recorded, so no result is lost.
CREATE TABLE pipeline_report (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider         TEXT        NOT NULL,
    decision_id      UUID,
    run_id           TEXT,
    run_url          TEXT,
    result           TEXT        NOT NULL,
    succeeded        BOOLEAN     NOT NULL,
    duration_seconds BIGINT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_at       TIMESTAMPTZ
);
CREATE INDEX pipeline_report_decision_idx ON pipeline_report (decision_id) WHERE applied_at IS NULL;
CREATE INDEX pipeline_report_run_idx ON pipeline_report (provider, run_id) WHERE applied_at IS NULL;
