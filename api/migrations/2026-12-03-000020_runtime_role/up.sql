-- Two roles (README: "Database roles"): the owner, who runs the migrations and owns every
-- table, and the runtime role `beacon_runtime`, which the server and the commands connect as.
-- The runtime role reads and writes the data but owns nothing, so it can neither disable the
-- audit trail's trigger nor change the schema; on `audit_log` it may only INSERT and SELECT.
-- The role is created here only when missing and the owner may create roles (a superuser, or
-- CREATEROLE); otherwise create it first: `CREATE ROLE beacon_runtime LOGIN PASSWORD '…'`.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'beacon_runtime') THEN
        CREATE ROLE beacon_runtime NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO beacon_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO beacon_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO beacon_runtime;
-- Tables of later migrations, created by the same owner, are granted alike.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO beacon_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO beacon_runtime;

-- The audit trail: append and read, nothing else (the trigger refuses the rest to its owner too).
REVOKE ALL ON audit_log FROM beacon_runtime;
GRANT INSERT, SELECT ON audit_log TO beacon_runtime;
-- Diesel's record of applied migrations: readable, never written by the runtime role.
REVOKE ALL ON __diesel_schema_migrations FROM beacon_runtime;
GRANT SELECT ON __diesel_schema_migrations TO beacon_runtime;
