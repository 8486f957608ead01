-- reporting.data_quality_findings: history, written only by the engine (SECURITY DEFINER api functions): admins, managers and auditors read it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('reporting.data_quality_findings', '{admin,manager,auditor}', '{}');
