SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The Jira comment posted for an audit event: at most one, and its id for traceability.
CREATE TABLE jira_comment (
    audit_event_id BIGINT      PRIMARY KEY,
    issue_key      TEXT        NOT NULL,
    comment_id     TEXT        NOT NULL,
    posted_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Reverts of denied transitions that Tollgate made, so the webhook of its own revert is recognised
-- and never evaluated as a new transition (no loops).
CREATE TABLE issue_revert (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id    TEXT        NOT NULL,
    from_status TEXT        NOT NULL,
    to_status   TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    consumed_at TIMESTAMPTZ
);
CREATE INDEX issue_revert_issue_idx ON issue_revert (issue_id) WHERE consumed_at IS NULL;
