DELETE FROM api_keys WHERE role IN ('dcf', 'partner_staff', 'provider', 'child_advocate');
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('reporter', 'partner', 'coordinator', 'auditor', 'admin'));
