-- internal.organization_salt(organization): the organization's analytics salt, created on first use.
CREATE OR REPLACE FUNCTION internal.organization_salt(p_organization_id uuid)
RETURNS bytea
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_salt bytea;
BEGIN
  /*
   * Returns internal.organization_secrets.analytics_salt of the organization,
   * inserting it first if missing. Raises P0002 for an unknown organization.
   */
  PERFORM internal.require_organization(p_organization_id);
  -- Two statements, not one: after ON CONFLICT DO NOTHING has waited for a
  -- concurrent insert of the same row, only a new snapshot sees that row.
  INSERT INTO internal.organization_secrets (organization_id)
  VALUES (p_organization_id)
  ON CONFLICT (organization_id) DO NOTHING;
  SELECT s.analytics_salt INTO STRICT v_salt
    FROM internal.organization_secrets s
   WHERE s.organization_id = p_organization_id;
  RETURN v_salt;
END
$fn$;

COMMENT ON FUNCTION internal.organization_salt(uuid) IS
  'The analytics salt of an organization, created on first use; P0002 for an unknown organization.';
REVOKE ALL ON FUNCTION internal.organization_salt(uuid) FROM PUBLIC;
