-- The key holders (agencies and partners that report) are "accounts"; "organization" is kept
-- for directory providers only, after HSDS. Two different things, two different words.
ALTER TABLE organisations RENAME TO accounts;
ALTER TABLE api_keys RENAME COLUMN organisation_id TO account_id;
ALTER TABLE incidents RENAME COLUMN organisation_id TO account_id;
ALTER TABLE audit_log RENAME COLUMN organisation_id TO account_id;
ALTER TABLE intake_submissions RENAME COLUMN organisation_id TO account_id;
ALTER TABLE xapi_statements RENAME COLUMN organisation_id TO account_id;
ALTER TABLE directory_referrals RENAME COLUMN organisation_id TO account_id;
ALTER INDEX incidents_org_received RENAME TO incidents_account_received;
