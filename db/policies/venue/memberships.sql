-- venue.memberships: admins manage their organization's members; every user
-- reads their own memberships (which organizations, which role).
SELECT internal.set_tenant_access('venue.memberships', '{admin}', '{admin}');

CREATE POLICY own_read ON venue.memberships FOR SELECT
  USING (user_id = (SELECT internal.current_user_id()));
GRANT SELECT ON venue.memberships TO nightcap_manager, nightcap_staff, nightcap_auditor;
