-- internal.require_organization(organization): raise unless the organization exists.
CREATE OR REPLACE FUNCTION internal.require_organization(p_organization_id uuid)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
  /* The one "no such organization" check of every function that takes one: P0002. */
  IF NOT EXISTS (SELECT 1 FROM venue.organizations WHERE organization_id = p_organization_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s does not exist', p_organization_id),
      HINT = 'Create it with api.create_organization().';
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.require_organization(uuid) IS
  'Raises P0002 naming the organization unless it exists.';
REVOKE ALL ON FUNCTION internal.require_organization(uuid) FROM PUBLIC;
