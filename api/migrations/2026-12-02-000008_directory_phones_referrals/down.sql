ALTER TABLE directory_organizations DROP COLUMN version;
DROP TABLE directory_referrals;
DELETE FROM directory_funding WHERE amount_cents IS NULL OR period_start IS NULL OR period_end IS NULL;
ALTER TABLE directory_funding
    ALTER COLUMN amount_cents SET NOT NULL,
    ALTER COLUMN period_start SET NOT NULL,
    ALTER COLUMN period_end SET NOT NULL;
DROP TABLE directory_phones;
