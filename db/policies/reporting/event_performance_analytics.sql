-- reporting.event_performance_analytics: report data computed by the engine: admins and managers read it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('reporting.event_performance_analytics', '{admin,manager}', '{}');
