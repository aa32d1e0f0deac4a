-- The role itself is left: other databases of the cluster may use it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM beacon_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM beacon_runtime;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM beacon_runtime;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM beacon_runtime;
REVOKE USAGE ON SCHEMA public FROM beacon_runtime;
