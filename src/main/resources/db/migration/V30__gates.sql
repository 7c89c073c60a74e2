SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- A gate: where a CI system asks Tollgate before a deployment proceeds. Part of the policy, so
-- edited, versioned and audited like targets; the whole gate is one JSON document because only
-- the policy snapshot reads it, never a query.
CREATE TABLE gate (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    spec       JSONB       NOT NULL,
    version    INTEGER     NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gate_name_uq ON gate (lower(name));

-- One question a CI system asked a gate and its answer. The unique key is what makes a review
-- happen once however often the CI system asks (duplicate deliveries, a poll finding what a
-- webhook brought, a retry after a crash). The verdict is written once (WAITING -> APPROVED or
-- REJECTED) before the CI system is told, so a retried answer repeats it and never contradicts it.
CREATE TABLE gate_review (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gate                TEXT        NOT NULL,
    provider            TEXT        NOT NULL,
    target              TEXT        NOT NULL,
    -- repository/project/job and the run, deployment or build within it
    subject             TEXT        NOT NULL,
    environment         TEXT        NOT NULL,
    status              TEXT        NOT NULL DEFAULT 'WAITING'
                                    CHECK (status IN ('WAITING', 'APPROVED', 'REJECTED')),
    dry_run             BOOLEAN     NOT NULL DEFAULT false,
    reason              TEXT,
    run_url             TEXT,
    issue_key           TEXT,
    decision_id         UUID,
    -- the approval request a waiting review waits for
    approval_request_id BIGINT,
    -- what the provider needs to answer (callback URL, installation, deployment and job ids, build URL)
    ask                 JSONB       NOT NULL,
    noted               BOOLEAN     NOT NULL DEFAULT false,
    answered            BOOLEAN     NOT NULL DEFAULT false,
    requested_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    wait_until          TIMESTAMPTZ NOT NULL,
    decided_at          TIMESTAMPTZ,
    answered_at         TIMESTAMPTZ,
    CONSTRAINT gate_review_uq UNIQUE (gate, provider, subject, environment)
);
CREATE INDEX gate_review_status_idx ON gate_review (status, id DESC);
CREATE INDEX gate_review_waiting_idx ON gate_review (approval_request_id) WHERE status = 'WAITING';
