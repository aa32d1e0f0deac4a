-- Audit trail: an append-only, hash-chained log of who did what, when and why.
-- Each entry's `hash` is SHA-256 over the previous entry's hash followed by the
-- entry's own canonical form (see api/src/security/audit.rs); the first entry's
-- `prev_hash` is 32 zero bytes. Entries hold ids, codes and the caller's free-text
-- reason only: never a sealed value.

CREATE TABLE audit_log (
    -- Chain order: writers serialise on an advisory lock, so seq order is chain order
    -- (gaps from rolled-back transactions are harmless).
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    at timestamptz NOT NULL,
    request_id text,
    key_id uuid,
    organisation_id uuid,
    role text,
    action text NOT NULL,
    resource text NOT NULL,
    resource_id text,
    reason text,
    outcome text NOT NULL,
    -- UNIQUE: the chain cannot fork, even if a writer somehow bypassed the lock.
    prev_hash bytea NOT NULL UNIQUE CHECK (length(prev_hash) = 32),
    hash bytea NOT NULL CHECK (length(hash) = 32)
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_resource_id ON audit_log (resource_id);
CREATE INDEX audit_log_key_id ON audit_log (key_id);

-- Append-only: UPDATE, DELETE and TRUNCATE are refused whatever the role (the
-- statement-level trigger fires even when no row matches).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
