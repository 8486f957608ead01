-- reporting.scheduled_jobs: configuration: admins change it, managers and auditors read it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('reporting.scheduled_jobs', '{admin,manager,auditor}', '{admin}');
