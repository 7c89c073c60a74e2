SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- One row per accepted Jira delivery. The unique keys, not application code, stop duplicates:
-- Jira's delivery id is stable across its retries, and (issue id, event key) catches the same
-- change arriving under another delivery id (a replayed body, a second webhook registration).
CREATE TABLE delivery (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        TEXT        NOT NULL,
    delivery_id   TEXT,
    issue_id      TEXT,
    event_key     TEXT,
    webhook_event TEXT        NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('QUEUED', 'IGNORED')),
    retry_count   INTEGER     NOT NULL DEFAULT 0,
    received_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX delivery_source_delivery_id_uq ON delivery (source, delivery_id) WHERE delivery_id IS NOT NULL;
CREATE UNIQUE INDEX delivery_source_issue_event_uq ON delivery (source, issue_id, event_key)
    WHERE issue_id IS NOT NULL AND event_key IS NOT NULL;
CREATE INDEX delivery_received_at_idx ON delivery (received_at);
