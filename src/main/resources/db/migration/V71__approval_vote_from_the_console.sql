-- A vote cast in the console is recorded as such (the checks and the audit are the API's).
ALTER TABLE tollgate.approval_vote DROP CONSTRAINT approval_vote_source_check;
ALTER TABLE tollgate.approval_vote ADD CONSTRAINT approval_vote_source_check
    CHECK (source IN ('JIRA', 'API', 'CONSOLE'));
