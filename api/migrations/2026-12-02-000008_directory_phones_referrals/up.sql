-- Provider directory, second part: phones (HSDS 3.1 `phone`), funding whose
-- amount or period an HSDS feed does not give, and referrals — the record of
-- a person sent to a service and what came of it, which the gap analysis
-- counts as demand (and, when declined for capacity, as unmet demand).
-- A referral holds no personal information: only the town the person is in,
-- the service category and the outcome.

CREATE TABLE directory_phones (
    id uuid PRIMARY KEY,
    service_id uuid NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    number text NOT NULL,
    -- HSDS phone types.
    phone_type text NOT NULL DEFAULT 'voice'
        CHECK (phone_type IN ('text', 'voice', 'fax', 'cell', 'video', 'pager', 'textphone')),
    extension text,
    description text
);

CREATE INDEX directory_phones_service ON directory_phones (service_id);

ALTER TABLE directory_funding
    ALTER COLUMN amount_cents DROP NOT NULL,
    ALTER COLUMN period_start DROP NOT NULL,
    ALTER COLUMN period_end DROP NOT NULL;

CREATE TABLE directory_referrals (
    id uuid PRIMARY KEY,
    service_id uuid NOT NULL REFERENCES directory_services (id),
    -- A Foundation service code: what the person was referred for.
    category text NOT NULL,
    -- The canonical Connecticut town the person is in (its regions are
    -- derived from the reference data when counted).
    town text NOT NULL,
    referred_on date NOT NULL,
    outcome text NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'accepted', 'declined_capacity', 'declined_eligibility', 'declined_other', 'withdrawn')),
    -- The organisation (of the API key) that made the referral.
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX directory_referrals_date ON directory_referrals (referred_on);

-- Organisations get the same optimistic concurrency as services: the ETag.
ALTER TABLE directory_organizations ADD COLUMN version integer NOT NULL DEFAULT 1;
