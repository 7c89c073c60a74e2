SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- A vote that does not count is explained (audited and commented on the issue) once per
-- voter and request: repeating an ineligible vote, from the API or from Jira comments,
-- must not turn into one Jira comment and one audit row per attempt.
CREATE TABLE approval_refusal (
    request_id  BIGINT      NOT NULL REFERENCES approval_request (id),
    voter       TEXT        NOT NULL,
    refused_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, voter)
);
