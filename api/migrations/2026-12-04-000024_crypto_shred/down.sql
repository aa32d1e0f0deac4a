-- A shredded key cannot come back: the rows that lost theirs get an empty one, which opens
-- nothing (their sealed fields are gone too).
ALTER TABLE intake_submissions DROP CONSTRAINT intake_key_until_purged;
UPDATE intake_submissions SET wrapped_data_key = '\x'::bytea WHERE wrapped_data_key IS NULL;
ALTER TABLE intake_submissions ALTER COLUMN wrapped_data_key SET NOT NULL;

ALTER TABLE incidents DROP CONSTRAINT incidents_key_until_purged;
UPDATE incidents SET wrapped_data_key = '\x'::bytea WHERE wrapped_data_key IS NULL;
ALTER TABLE incidents ALTER COLUMN wrapped_data_key SET NOT NULL;
