DROP INDEX IF EXISTS intake_purgeable;
DROP INDEX IF EXISTS incidents_minor_queue;
ALTER TABLE intake_submissions DROP COLUMN sealed_purged_at;
ALTER TABLE intake_submissions DROP COLUMN consent_withdrawn_at;
ALTER TABLE intake_submissions DROP COLUMN consent_withdrawn_on;
DROP TABLE dcf_responses;
