-- venue.check_ins: operational data: admins keep it, managers read it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('venue.check_ins', '{admin,manager}', '{admin}');
