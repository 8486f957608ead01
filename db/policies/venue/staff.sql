-- venue.staff: admins keep it, managers read it, a staff member reads their own row.
SELECT internal.set_tenant_access('venue.staff', '{admin,manager}', '{admin}');

CREATE POLICY staff_own_read ON venue.staff FOR SELECT
  USING (user_id = (SELECT internal.current_user_id())
         AND organization_id = ANY ((SELECT internal.member_organizations('{staff}'))::uuid[]));
GRANT SELECT ON venue.staff TO nightcap_staff;
