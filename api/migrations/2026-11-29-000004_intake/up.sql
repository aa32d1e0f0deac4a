-- Partner intake submissions (POST /v1/intake). Contact details and notes are
-- sealed like incident fields: per-record data key wrapped by the master key.
CREATE TABLE intake_submissions (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    api_key_id uuid NOT NULL REFERENCES api_keys (id),
    reference text NOT NULL UNIQUE,
    idempotency_key text NOT NULL,
    request_hash bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'converted', 'closed')),
    town text,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    concern_types text[] NOT NULL,
    age_group text NOT NULL,
    needs text[] NOT NULL,
    safe_to_contact boolean NOT NULL,
    consent_to_share boolean NOT NULL,
    preferred_language text,
    minor_involved boolean NOT NULL,
    dcf_notified_at timestamptz,
    converted_incident_id uuid REFERENCES incidents (id),
    key_id text NOT NULL,
    wrapped_data_key bytea NOT NULL,
    contact_sealed bytea,
    notes_sealed bytea,
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- A retry with the same key from the same partner key finds the first submission.
    UNIQUE (api_key_id, idempotency_key)
);

CREATE INDEX intake_status_received ON intake_submissions (status, received_at DESC);
CREATE INDEX intake_minor_queue ON intake_submissions (received_at) WHERE minor_involved AND dcf_notified_at IS NULL;
