-- venue.organizations: every member reads their organizations; admins change
-- the settings, never the id or slug; only the system creates or deletes one
-- (api.create_organization).
SELECT internal.set_tenant_access('venue.organizations', '{admin,manager,staff,auditor}', '{}');

CREATE POLICY admins_update ON venue.organizations FOR UPDATE
  USING (organization_id = ANY ((SELECT internal.member_organizations('{admin}'))::uuid[]))
  WITH CHECK (organization_id = ANY ((SELECT internal.member_organizations('{admin}'))::uuid[]));
GRANT UPDATE (name, currency, retention_days, require_verified_recipients, bounce_suppression_threshold)
  ON venue.organizations TO nightcap_admin;
