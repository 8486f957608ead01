-- audit.delivery_events: the audit trail, appended only by the engine: auditors and admins read their organizations' events.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('audit.delivery_events', '{admin,auditor}', '{}');
