-- internal.organization_data_versions: engine bookkeeping: the owner only, no client role sees it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('internal.organization_data_versions', '{}', '{}');
