DROP INDEX incidents_closed_at;
ALTER TABLE incidents DROP COLUMN sealed_purged_at;
ALTER TABLE incidents DROP COLUMN closed_at;
DROP INDEX victims_identity_index;
ALTER TABLE victims DROP COLUMN identity_index;
