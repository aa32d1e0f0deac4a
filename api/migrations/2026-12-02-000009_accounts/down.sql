ALTER INDEX incidents_account_received RENAME TO incidents_org_received;
ALTER TABLE directory_referrals RENAME COLUMN account_id TO organisation_id;
ALTER TABLE xapi_statements RENAME COLUMN account_id TO organisation_id;
ALTER TABLE intake_submissions RENAME COLUMN account_id TO organisation_id;
ALTER TABLE audit_log RENAME COLUMN account_id TO organisation_id;
ALTER TABLE incidents RENAME COLUMN account_id TO organisation_id;
ALTER TABLE api_keys RENAME COLUMN account_id TO organisation_id;
ALTER TABLE accounts RENAME TO organisations;
