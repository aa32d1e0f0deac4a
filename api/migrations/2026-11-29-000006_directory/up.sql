-- Provider directory (Raised Bill 5476, Sec. 1(e), 8(b)(5)): organisations
-- providing services to victims, their services, locations, service areas and
-- funding, shaped after Open Referral HSDS 3.1. The tables are prefixed
-- `directory_` so that the directory's providers are never confused with the
-- reporting `organisations` that hold API keys.

CREATE TABLE directory_organizations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    email text,
    url text,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'defunct')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE directory_services (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES directory_organizations (id),
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    status text NOT NULL CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily_closed')),
    -- Foundation service codes (`beacon_core::codes::Service`).
    categories text[] NOT NULL DEFAULT '{}',
    min_age integer CHECK (min_age BETWEEN 0 AND 120),
    max_age integer CHECK (max_age BETWEEN 0 AND 120),
    populations text[] NOT NULL DEFAULT '{}',
    languages text[] NOT NULL DEFAULT '{}',
    capacity_unit text,
    capacity_available integer CHECK (capacity_available >= 0),
    capacity_total integer CHECK (capacity_total >= 0),
    capacity_updated_at timestamptz,
    verified_at timestamptz,
    -- The API key (its id) of the coordinator who recorded the verification.
    verified_by text,
    verification_method text CHECK (verification_method IN ('site_visit', 'phone', 'document_review')),
    training_attested boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Bumped by every write; the ETag.
    version integer NOT NULL DEFAULT 1,
    CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)
);

CREATE INDEX directory_services_organization ON directory_services (organization_id);
CREATE INDEX directory_services_verified ON directory_services (verified_at);

CREATE TABLE directory_locations (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES directory_organizations (id),
    name text NOT NULL,
    -- A shelter: its street address and coordinates are never public.
    confidential boolean NOT NULL DEFAULT false,
    address_1 text,
    city text NOT NULL,
    postal_code text,
    -- The canonical Connecticut town (`beacon_core::geo`).
    town text NOT NULL,
    latitude double precision,
    longitude double precision,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE directory_service_at_location (
    id uuid PRIMARY KEY,
    service_id uuid NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    location_id uuid NOT NULL REFERENCES directory_locations (id),
    UNIQUE (service_id, location_id)
);

CREATE TABLE directory_service_areas (
    service_id uuid NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    town text NOT NULL,
    PRIMARY KEY (service_id, town)
);

CREATE TABLE directory_funding (
    id uuid PRIMARY KEY,
    service_id uuid NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    source text NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    period_start date NOT NULL,
    period_end date NOT NULL,
    CHECK (period_start <= period_end)
);
