SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- GET /api/v1/audit and /audit/export answer newest first (ORDER BY id DESC LIMIT n). Every equality
-- filter gets an index that yields its rows already in that order, so a page is an index range scan
-- that stops after n rows, and a filter matching few or no rows never walks the whole table
-- (docs/audit.md, "Query performance": 1,000,000 events). delivery_id (V3) and issue_key (V3) match
-- few rows each; project_key + type is covered by V3's audit_event_project_type_idx.
CREATE INDEX audit_event_type_idx ON audit_event (type, id DESC);
CREATE INDEX audit_event_outcome_idx ON audit_event (outcome, id DESC);
CREATE INDEX audit_event_project_idx ON audit_event (project_key, id DESC);
