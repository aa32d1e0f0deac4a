-- Foundation: organisations, API keys, incidents and their victims.
-- Sealed fields (narrative, victim identity) are stored only as AES-256-GCM
-- ciphertext under a per-incident data key wrapped by the master key.

CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    role text NOT NULL CHECK (role IN ('reporter', 'partner', 'coordinator', 'auditor', 'admin')),
    -- SHA-256 of the whole key: keys are 256-bit random, so a fast hash is enough.
    key_hash bytea NOT NULL UNIQUE,
    prefix text NOT NULL,
    origins text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
);

CREATE TABLE incidents (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    schema_version text NOT NULL,
    reporting_agency text NOT NULL,
    agency_case_ref text,
    status text NOT NULL,
    incident_date date NOT NULL,
    reported_date date NOT NULL,
    town text NOT NULL,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    trafficking_types text[] NOT NULL,
    nibrs_offenses text[] NOT NULL,
    venue text,
    control_methods text[] NOT NULL,
    dcf_notified boolean NOT NULL,
    law_enforcement_agency text,
    minor_involved boolean NOT NULL,
    victim_count integer NOT NULL,
    -- Envelope encryption: the record's data key, wrapped by the master key `key_id`.
    key_id text NOT NULL,
    wrapped_data_key bytea NOT NULL,
    narrative_sealed bytea,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX incidents_org_received ON incidents (organisation_id, received_at DESC);
CREATE INDEX incidents_town ON incidents (town);
CREATE INDEX incidents_incident_date ON incidents (incident_date);

CREATE TABLE victims (
    id uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    ordinal integer NOT NULL,
    age smallint,
    sex text NOT NULL,
    citizenship text,
    language text,
    relationship_to_trafficker text,
    services_needed text[] NOT NULL,
    minor boolean NOT NULL,
    identity_sealed bytea,
    UNIQUE (incident_id, ordinal)
);
