-- Blind index of victims' identities (HMAC-SHA256 under BEACON_INDEX_KEY):
-- counts distinct victims and finds likely duplicates without decrypting.
ALTER TABLE victims ADD COLUMN identity_index bytea;
CREATE INDEX victims_identity_index ON victims (identity_index) WHERE identity_index IS NOT NULL;

-- Retention: closed incidents lose their sealed fields after the retention period.
ALTER TABLE incidents ADD COLUMN closed_at timestamptz;
ALTER TABLE incidents ADD COLUMN sealed_purged_at timestamptz;
CREATE INDEX incidents_closed_at ON incidents (closed_at) WHERE closed_at IS NOT NULL;
