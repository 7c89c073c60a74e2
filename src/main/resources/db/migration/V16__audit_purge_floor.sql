SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- The youngest age at which audit events may be purged: tollgate.audit.retention as it was when the
-- schema was last migrated (afterMigrate.sql writes it, as the schema owner). NULL: retention is off
-- and audit_purge() refuses everything. The application role can read it but not change it, so even
-- a compromised application cannot purge more than the operator's retention would.
CREATE TABLE audit_purge_floor (
    singleton BOOLEAN  PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    min_age   INTERVAL CHECK (min_age > interval '0')
);
INSERT INTO audit_purge_floor DEFAULT VALUES;

-- As in V10, and refuses a purge the retention floor does not cover: the cutoff must lie at least
-- min_age in the past, and every purged event must be older than the cutoff (and still present).
CREATE OR REPLACE FUNCTION audit_purge(through_position BIGINT, purge_cutoff TIMESTAMPTZ)
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
    floor_age     INTERVAL;
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
    SELECT f.min_age INTO floor_age FROM tollgate.audit_purge_floor f;
    IF floor_age IS NULL THEN
        RAISE EXCEPTION 'audit retention is off (tollgate.audit.retention was empty when the schema was migrated)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF purge_cutoff IS NULL OR purge_cutoff > clock_timestamp() - floor_age THEN
        RAISE EXCEPTION 'cutoff % is not at least % in the past (tollgate.audit.retention)', purge_cutoff, floor_age
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM tollgate.audit_seal s LEFT JOIN tollgate.audit_event e ON e.id = s.event_id
               WHERE s.position > from_position AND s.position <= through_position
                 AND (e.id IS NULL OR e.occurred_at >= purge_cutoff)) THEN
        RAISE EXCEPTION 'positions through % hold events not older than the cutoff %', through_position, purge_cutoff
            USING ERRCODE = 'insufficient_privilege';
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
