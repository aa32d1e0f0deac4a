-- Why a submission's request looked scripted (issue 13, item 2): `no_origin`, `origin_mismatch`
-- (both only accepted under BEACON_INTAKE_ORIGIN_TOLERANT), `burst`. Empty: nothing seen. A mark
-- for the coordinator's triage, never a refusal.
ALTER TABLE intake_submissions ADD COLUMN scripted_reasons text[] NOT NULL DEFAULT '{}';
CREATE INDEX intake_submissions_scripted ON intake_submissions ((cardinality(scripted_reasons) > 0));
