ALTER TABLE accounts DROP COLUMN directory_organization_id;
DROP INDEX directory_referrals_service;
DROP INDEX directory_referrals_sent_unanswered;

-- Back to the first model's outcomes. Lossy by nature: a proposed referral becomes pending, a
-- started or closed service accepted, a person's own decline `declined_other`.
ALTER TABLE directory_referrals ADD COLUMN outcome text;
UPDATE directory_referrals SET outcome = CASE status
    WHEN 'proposed' THEN 'pending'
    WHEN 'sent' THEN 'pending'
    WHEN 'accepted' THEN 'accepted'
    WHEN 'service_started' THEN 'accepted'
    WHEN 'closed' THEN 'accepted'
    WHEN 'withdrawn' THEN 'withdrawn'
    ELSE CASE decline_reason
        WHEN 'capacity' THEN 'declined_capacity'
        WHEN 'eligibility' THEN 'declined_eligibility'
        ELSE 'declined_other' END
    END;
ALTER TABLE directory_referrals
    ALTER COLUMN outcome SET NOT NULL,
    ALTER COLUMN outcome SET DEFAULT 'pending',
    ADD CONSTRAINT directory_referrals_outcome_check CHECK (outcome IN (
        'pending', 'accepted', 'declined_capacity', 'declined_eligibility', 'declined_other', 'withdrawn')),
    DROP COLUMN status,
    DROP COLUMN decline_reason,
    DROP COLUMN sent_at,
    DROP COLUMN accepted_at,
    DROP COLUMN declined_at,
    DROP COLUMN service_started_at,
    DROP COLUMN closed_at,
    DROP COLUMN withdrawn_at;
