SET lock_timeout = '5s';
SET statement_timeout = '60s';

-- An audit event's id comes from its identity sequence, never from the inserter: with
-- INSERT ... OVERRIDING SYSTEM VALUE any role that may insert could place an event at an id the
-- sealer has already passed (a purged id, an old accepted gap), where it would never be sealed and
-- would read as history. In a BEFORE ROW trigger the session's currval is the id just drawn for
-- this row, so any other id was given explicitly. A restore of a full dump creates the triggers
-- after loading the rows; a data-only restore needs --disable-triggers (a superuser), as for
-- every other protection of these tables.
CREATE FUNCTION audit_event_id_from_sequence() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    drawn BIGINT;
BEGIN
    BEGIN
        drawn := currval(pg_get_serial_sequence('tollgate.audit_event', 'id'));
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        drawn := NULL;
    END;
    IF drawn IS DISTINCT FROM NEW.id THEN
        RAISE EXCEPTION 'audit_event ids come from its sequence: an explicit id (%) is refused', NEW.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_event_id_from_sequence
    BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_id_from_sequence();
