-- venue.venues: admins keep them; managers read them; staff read them too
-- (every venue of their organization: a venue's name, clock and capacity are
-- no one's performance figures, and their own shifts name the venue).
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('venue.venues', '{admin,manager,staff}', '{admin}');
