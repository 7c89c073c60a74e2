SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The gate a PENDING_APPROVAL decision opens, and the votes cast on it.
CREATE TABLE approval_request (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id          UUID        NOT NULL,
    status               TEXT        NOT NULL DEFAULT 'PENDING'
                                     CHECK (status IN ('PENDING', 'GRANTED', 'DENIED', 'EXPIRED', 'CANCELLED')),
    rule_id              BIGINT      NOT NULL,
    rule_name            TEXT        NOT NULL,
    target               TEXT,
    required             INTEGER     NOT NULL CHECK (required > 0),
    approver_roles       TEXT[]      NOT NULL,
    separation_of_duties BOOLEAN     NOT NULL,
    comment              BOOLEAN     NOT NULL,
    requester_account_id TEXT,
    delivery_id          TEXT,
    issue_id             TEXT        NOT NULL,
    issue_key            TEXT        NOT NULL,
    project_key          TEXT        NOT NULL,
    issue_type           TEXT,
    from_status          TEXT,
    to_status            TEXT        NOT NULL,
    expires_at           TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    closed_at            TIMESTAMPTZ,
    close_reason         TEXT,
    CONSTRAINT approval_request_decision_uq UNIQUE (decision_id)
);
CREATE INDEX approval_request_issue_idx ON approval_request (issue_id) WHERE status = 'PENDING';
CREATE INDEX approval_request_status_idx ON approval_request (status, id DESC);

CREATE TABLE approval_vote (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id  BIGINT      NOT NULL REFERENCES approval_request (id),
    voter       TEXT        NOT NULL,
    vote        TEXT        NOT NULL CHECK (vote IN ('APPROVE', 'DENY')),
    reason      TEXT,
    source      TEXT        NOT NULL CHECK (source IN ('JIRA', 'API')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- One vote per person and request: a repeat is a no-op, also under concurrency.
    CONSTRAINT approval_vote_once UNIQUE (request_id, voter)
);
