-- Purging a record's sealed fields also destroys its wrapped data key (crypto-shredding): every
-- other copy of the ciphertext — a backup, a replica, a dead tuple not yet vacuumed — then opens
-- with no key at all. A record keeps its key until it is purged, never after.
ALTER TABLE incidents ALTER COLUMN wrapped_data_key DROP NOT NULL;
UPDATE incidents SET wrapped_data_key = NULL WHERE sealed_purged_at IS NOT NULL;
ALTER TABLE incidents ADD CONSTRAINT incidents_key_until_purged
    CHECK (wrapped_data_key IS NOT NULL OR sealed_purged_at IS NOT NULL);

ALTER TABLE intake_submissions ALTER COLUMN wrapped_data_key DROP NOT NULL;
UPDATE intake_submissions SET wrapped_data_key = NULL WHERE sealed_purged_at IS NOT NULL;
ALTER TABLE intake_submissions ADD CONSTRAINT intake_key_until_purged
    CHECK (wrapped_data_key IS NOT NULL OR sealed_purged_at IS NOT NULL);
