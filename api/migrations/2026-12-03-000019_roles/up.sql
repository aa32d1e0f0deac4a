-- The roles of core/src/roles.rs: the bill's actors (DCF staff for Sec. 10, a partner's own
-- staff, directory providers, the Child Advocate's staff) join the first five.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN (
    'reporter', 'partner', 'coordinator', 'auditor', 'admin',
    'dcf', 'partner_staff', 'provider', 'child_advocate'));
