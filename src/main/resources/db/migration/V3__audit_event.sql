SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- Append-only audit log. Rows are sealed into a hash chain in audit_seal (never by updating a row).
CREATE TABLE audit_event (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    type             TEXT        NOT NULL,
    outcome          TEXT,
    reason           TEXT        NOT NULL,
    delivery_id      TEXT,
    issue_key        TEXT,
    issue_id         TEXT,
    project_key      TEXT,
    issue_type       TEXT,
    actor_account_id TEXT,
    from_status      TEXT,
    to_status        TEXT,
    rule_id          BIGINT,
    rule_name        TEXT,
    target           TEXT,
    run_url          TEXT,
    dry_run          BOOLEAN     NOT NULL DEFAULT false,
    details          JSONB
);

CREATE INDEX audit_event_occurred_at_idx ON audit_event (occurred_at DESC, id DESC);
CREATE INDEX audit_event_issue_key_idx ON audit_event (issue_key, id DESC);
CREATE INDEX audit_event_delivery_id_idx ON audit_event (delivery_id);
CREATE INDEX audit_event_project_type_idx ON audit_event (project_key, type, id DESC);

CREATE FUNCTION audit_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();

-- TRUNCATE bypasses row triggers, so it gets its own statement trigger.
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
