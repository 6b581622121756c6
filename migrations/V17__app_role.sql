-- V17: least privilege in the database. Migrations run as the schema's owner; the functions
-- connect as (a login role in) eventhost_app, granted only what they use: reading and writing
-- rows, never DDL, never the migration history, and on audit_log only INSERT and SELECT (its
-- triggers stop UPDATE and DELETE too, and only the owner could disable them).

-- A role is cluster-wide: another database on the same server (a test's) may have made it.
DO $$
BEGIN
    CREATE ROLE eventhost_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO eventhost_app', current_database());
END $$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO eventhost_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO eventhost_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO eventhost_app;
REVOKE ALL ON refinery_schema_history FROM eventhost_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM eventhost_app;

-- Tables and sequences later migrations create get the same grants (a migration that adds an
-- append-only table revokes what it must, as this one does for audit_log).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO eventhost_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO eventhost_app;
