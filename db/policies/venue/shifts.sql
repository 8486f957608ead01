-- venue.shifts: admins keep them, managers read them, a staff member reads
-- their own (through venue.staff's policy, which shows them only their row).
SELECT internal.set_tenant_access('venue.shifts', '{admin,manager}', '{admin}');

CREATE POLICY staff_own_read ON venue.shifts FOR SELECT
  USING (organization_id = ANY ((SELECT internal.member_organizations('{staff}'))::uuid[])
         AND staff_id IN (SELECT s.staff_id FROM venue.staff s
                           WHERE s.organization_id = shifts.organization_id
                             AND s.user_id = (SELECT internal.current_user_id())));
GRANT SELECT ON venue.shifts TO nightcap_staff;
