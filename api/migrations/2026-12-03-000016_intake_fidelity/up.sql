-- Issue 11, part 1: what DCF did about each minor (Sec. 10), the person's consent kept, and the
-- retention of intake contact details.

-- DCF's response to a minor: on a partner submission or on an incident, one each. A table of its
-- own (not columns) so neither record grows, and a converted submission's response is copied to
-- its incident in the conversion's transaction.
CREATE TABLE dcf_responses (
    id uuid PRIMARY KEY,
    submission_id uuid UNIQUE REFERENCES intake_submissions (id),
    incident_id uuid UNIQUE REFERENCES incidents (id),
    response text NOT NULL CHECK (response IN ('accepted_for_services', 'assessed_not_accepted', 'already_open_case')),
    reason text,
    responded_on date NOT NULL,
    recorded_at timestamptz NOT NULL,
    -- The DCF key that recorded it (the audit trail has the rest).
    api_key_id uuid REFERENCES api_keys (id),
    CHECK ((submission_id IS NULL) <> (incident_id IS NULL)),
    CHECK ((response = 'assessed_not_accepted') = (reason IS NOT NULL))
);

-- Consent withdrawn by the partner on the person's behalf (VAWA: consent is revocable).
ALTER TABLE intake_submissions ADD COLUMN consent_withdrawn_on date;
ALTER TABLE intake_submissions ADD COLUMN consent_withdrawn_at timestamptz;
-- Retention: a submission's contact details and notes are dropped after the retention period.
ALTER TABLE intake_submissions ADD COLUMN sealed_purged_at timestamptz;

CREATE INDEX incidents_minor_queue ON incidents (received_at) WHERE minor_involved;
CREATE INDEX intake_purgeable ON intake_submissions (received_at) WHERE sealed_purged_at IS NULL;
