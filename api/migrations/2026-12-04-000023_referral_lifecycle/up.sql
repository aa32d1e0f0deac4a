-- A referral's lifecycle (beacon_core::directory::lifecycle): proposed → sent → accepted |
-- declined (with a reason) → service_started → closed, and withdrawn from any open status. The
-- provider answers through its own `provider` key, bound to its directory organization.
--
-- One timestamp per status rather than a table of transitions: the lifecycle is acyclic (a core
-- test proves no status is entered twice), so these columns hold every move a referral made, the
-- overdue filter and the days-to-answer median read one row without a join, and who made each
-- move is in the audit trail (`directory.referral.transition`).
ALTER TABLE directory_referrals
    ADD COLUMN status text,
    ADD COLUMN decline_reason text,
    ADD COLUMN sent_at timestamptz,
    ADD COLUMN accepted_at timestamptz,
    ADD COLUMN declined_at timestamptz,
    ADD COLUMN service_started_at timestamptz,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz;

-- The first model's outcomes, as `lifecycle::from_outcome` maps them (the suite's
-- `referral_lifecycle` test runs this against rows of every outcome). A referral on file was
-- made, so it was sent when it was recorded; an answer's time is when its outcome was last set.
UPDATE directory_referrals SET
    status = CASE outcome
        WHEN 'pending' THEN 'sent'
        WHEN 'accepted' THEN 'accepted'
        WHEN 'withdrawn' THEN 'withdrawn'
        ELSE 'declined' END,
    decline_reason = CASE outcome
        WHEN 'declined_capacity' THEN 'capacity'
        WHEN 'declined_eligibility' THEN 'eligibility'
        WHEN 'declined_other' THEN 'other' END,
    sent_at = created_at,
    accepted_at = CASE WHEN outcome = 'accepted' THEN updated_at END,
    declined_at = CASE WHEN outcome LIKE 'declined\_%' THEN updated_at END,
    withdrawn_at = CASE WHEN outcome = 'withdrawn' THEN updated_at END;

ALTER TABLE directory_referrals
    DROP COLUMN outcome,
    ALTER COLUMN status SET NOT NULL,
    ADD CONSTRAINT directory_referrals_status_check CHECK (status IN (
        'proposed', 'sent', 'accepted', 'declined', 'service_started', 'closed', 'withdrawn')),
    -- A declined referral has its reason; no other has one.
    ADD CONSTRAINT directory_referrals_decline_reason_check CHECK (
        (status = 'declined') = (decline_reason IS NOT NULL)
        AND (decline_reason IS NULL OR decline_reason IN ('capacity', 'eligibility', 'client_declined', 'other'))),
    -- Every status past `sent` was sent first.
    ADD CONSTRAINT directory_referrals_sent_check CHECK (
        status IN ('proposed', 'withdrawn') OR sent_at IS NOT NULL);

-- The overdue list: sent and unanswered, by when.
CREATE INDEX directory_referrals_sent_unanswered ON directory_referrals (sent_at) WHERE status = 'sent';
CREATE INDEX directory_referrals_service ON directory_referrals (service_id);

-- A `provider` key answers the referrals made to its directory organization: the account it
-- belongs to names that organization (NULL: it answers none).
ALTER TABLE accounts ADD COLUMN directory_organization_id uuid REFERENCES directory_organizations (id);
