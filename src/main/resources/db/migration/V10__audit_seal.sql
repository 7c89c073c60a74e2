SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The hash chain over audit_event (architecture.md principle 5, docs/audit.md). audit_event itself
-- is append-only, so seals live in their own append-only table: one row per sealed event, in chain
-- order (position). position is contiguous; prev_event_id is the event at the previous position
-- (0 for the first link); gap_from is set when the sealer accepted that ids gap_from..event_id-1
-- will never commit (rolled back), so a gap is recorded in the chain instead of silently skipped.
CREATE TABLE audit_seal (
    position      BIGINT      PRIMARY KEY CHECK (position > 0),
    event_id      BIGINT      NOT NULL UNIQUE,
    prev_event_id BIGINT      NOT NULL,
    gap_from      BIGINT,
    prev_hash     TEXT        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash          TEXT        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    encoding      SMALLINT    NOT NULL DEFAULT 1,
    sealed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The sealer looks at the most recent accepted gaps for rows that committed late.
CREATE INDEX audit_seal_gap_idx ON audit_seal (position DESC) WHERE gap_from IS NOT NULL;

-- One row per retention purge: everything up to and including position was deleted; hash is the
-- seal hash at that position, from which verification continues. max_event_id is the highest event
-- id purged so far (the sealer's id frontier when every seal has been purged).
CREATE TABLE audit_checkpoint (
    position      BIGINT      PRIMARY KEY,
    event_id      BIGINT      NOT NULL,
    hash          TEXT        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    max_event_id  BIGINT      NOT NULL,
    purged_events BIGINT      NOT NULL,
    cutoff        TIMESTAMPTZ,
    purged_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    purged_by     TEXT        NOT NULL DEFAULT session_user
);

-- Refuses every change; used for UPDATE, TRUNCATE and (outside a purge) DELETE on the audit tables.
CREATE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- DELETE is the one exception, and only inside audit_purge(): the purge flag is set (transaction
-- local) and the row is covered by a checkpoint recorded in the same transaction or before.
-- Row triggers run in the table owner's context, so unqualified names would depend on search_path.
CREATE FUNCTION audit_guard_row() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    covered BIGINT;
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('tollgate.audit_purge', true), '') = 'on' THEN
        SELECT max(c.position) INTO covered FROM tollgate.audit_checkpoint c;
        -- Nested IFs: a record field is resolved when its expression is planned, and only one of
        -- the two tables has each field.
        IF TG_TABLE_NAME = 'audit_seal' THEN
            IF OLD.position <= covered THEN
                RETURN OLD;
            END IF;
        ELSIF TG_TABLE_NAME = 'audit_event' THEN
            IF EXISTS (SELECT 1 FROM tollgate.audit_seal s WHERE s.event_id = OLD.id AND s.position <= covered) THEN
                RETURN OLD;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER audit_event_append_only ON audit_event;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_guard_row();

CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_guard_row();
CREATE TRIGGER audit_seal_no_truncate
    BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Retention, the only way rows leave the audit log: deletes the sealed prefix of the chain up to and
-- including through_position, after recording a checkpoint. SECURITY DEFINER, so the application
-- role needs EXECUTE on this function but no DELETE on any audit table. Takes the sealer's
-- advisory lock, so the chain does not move while it runs. The caller appends an AUDIT_PURGED
-- event in the same transaction.
CREATE FUNCTION audit_purge(through_position BIGINT, purge_cutoff TIMESTAMPTZ)
    RETURNS TABLE (checkpoint_position BIGINT, checkpoint_event_id BIGINT, checkpoint_hash TEXT,
                   purged_events BIGINT, checkpoint_max_event_id BIGINT)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = tollgate, pg_temp
AS
$$
DECLARE
    from_position BIGINT;
    previous_max  BIGINT;
    last_seal     tollgate.audit_seal%ROWTYPE;
    seal_count    BIGINT;
    seal_max_id   BIGINT;
    deleted       BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7477346651120390913);
    SELECT coalesce(max(c.position), 0), coalesce(max(c.max_event_id), 0)
        INTO from_position, previous_max FROM tollgate.audit_checkpoint c;
    IF through_position <= from_position THEN
        RAISE EXCEPTION 'audit log already purged through position %', from_position;
    END IF;
    SELECT * INTO last_seal FROM tollgate.audit_seal s WHERE s.position = through_position;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'position % is not sealed; only sealed rows can be purged', through_position;
    END IF;
    SELECT count(*), coalesce(max(s.event_id), 0) INTO seal_count, seal_max_id
        FROM tollgate.audit_seal s WHERE s.position > from_position AND s.position <= through_position;
    INSERT INTO tollgate.audit_checkpoint (position, event_id, hash, max_event_id, purged_events, cutoff)
        VALUES (through_position, last_seal.event_id, last_seal.hash, greatest(previous_max, seal_max_id),
                seal_count, purge_cutoff);
    PERFORM set_config('tollgate.audit_purge', 'on', true);
    DELETE FROM tollgate.audit_event e USING tollgate.audit_seal s
        WHERE e.id = s.event_id AND s.position > from_position AND s.position <= through_position;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    DELETE FROM tollgate.audit_seal s WHERE s.position > from_position AND s.position <= through_position;
    PERFORM set_config('tollgate.audit_purge', 'off', true);
    RETURN QUERY SELECT through_position, last_seal.event_id, last_seal.hash, deleted,
        greatest(previous_max, seal_max_id);
END;
$$;

REVOKE ALL ON FUNCTION audit_purge(BIGINT, TIMESTAMPTZ) FROM PUBLIC;
