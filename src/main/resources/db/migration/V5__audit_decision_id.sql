SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The decision id ties a DECISION event to its trigger, comment and pipeline run events.
ALTER TABLE audit_event ADD COLUMN decision_id UUID;
CREATE INDEX audit_event_decision_id_idx ON audit_event (decision_id) WHERE decision_id IS NOT NULL;
