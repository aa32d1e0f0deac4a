DROP INDEX IF EXISTS intake_submissions_scripted;
ALTER TABLE intake_submissions DROP COLUMN scripted_reasons;
