-- The retention floor (V16): tollgate.audit.retention in milliseconds, empty when retention is off.
-- Written here, by the schema owner, so the application role cannot lower it (audit_purge() refuses
-- anything younger).
UPDATE tollgate.audit_purge_floor
   SET min_age = make_interval(secs => CAST(NULLIF('${auditRetentionMillis}', '') AS BIGINT) / 1000.0);

-- Least privilege for the application's runtime role (set TOLLGATE_DB_APP_ROLE; empty = skip).
-- Runs after every migrate so tables added by later migrations are covered too.
DO $$
DECLARE
    app_role TEXT := '${appRole}';
BEGIN
    IF app_role = '' THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA tollgate TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tollgate TO %I', app_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA tollgate TO %I', app_role);
    -- The audit log is append-only for the application: no UPDATE, DELETE or TRUNCATE.
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON tollgate.audit_event FROM %I', app_role);
    -- The hash chain and the purge checkpoints likewise: seals are inserted by the sealer, never changed;
    -- checkpoints are written only by tollgate.audit_purge() (SECURITY DEFINER), the one audited way to
    -- delete audit rows (retention), which the role may call but not imitate.
    IF to_regclass('tollgate.audit_seal') IS NOT NULL THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON tollgate.audit_seal FROM %I', app_role);
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tollgate.audit_checkpoint FROM %I', app_role);
        EXECUTE format('GRANT EXECUTE ON FUNCTION tollgate.audit_purge(BIGINT, TIMESTAMPTZ) TO %I', app_role);
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tollgate.audit_purge_floor FROM %I', app_role);
    END IF;
    -- The job claim (V15). PUBLIC may execute it too (it runs with the caller's rights); granted
    -- explicitly for databases whose default privileges withhold EXECUTE from PUBLIC.
    IF to_regprocedure('tollgate.claim_jobs(text[], integer, text, double precision, boolean)') IS NOT NULL THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION tollgate.claim_jobs(TEXT[], INTEGER, TEXT, DOUBLE PRECISION, BOOLEAN) TO %I', app_role);
    END IF;
    EXECUTE format('REVOKE ALL ON tollgate.flyway_schema_history FROM %I', app_role);
    EXECUTE format('GRANT SELECT ON tollgate.flyway_schema_history TO %I', app_role);
END
$$;
