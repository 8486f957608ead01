-- internal.customer_key(organization, customer): the pseudonymous key of a customer in reporting tables.
CREATE OR REPLACE FUNCTION internal.customer_key(
  p_organization_id uuid,
  p_customer_id     bigint
)
RETURNS text
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_salt bytea;
BEGIN
  /*
   * The key under which reporting.customer_analytics holds a customer:
   *   md5(encode(analytics_salt, 'hex') || ':' || customer_id)
   * with the organization's salt from internal.organization_secrets, created
   * here when the organization has none yet (hence VOLATILE). Without the
   * salt the key cannot be traced back to a customer id, and the same id
   * gets unrelated keys in two organizations.
   *
   * This is the one definition of the key. api.process_customer_analytics
   * ensures the salt once and computes the same expression inline for every
   * customer (a call per row would try an INSERT per row); its test checks
   * that both agree.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'p_organization_id is missing',
      HINT = 'A customer key is per organization: pass the customer''s organization.';
  END IF;
  IF p_customer_id IS NULL THEN
    RETURN NULL;  -- no customer (a walk-in booking), no key
  END IF;

  -- Two statements, not one: after ON CONFLICT DO NOTHING has waited for a
  -- concurrent insert of the same row, only a new snapshot sees that row.
  INSERT INTO internal.organization_secrets (organization_id)
  SELECT o.organization_id FROM venue.organizations o WHERE o.organization_id = p_organization_id
  ON CONFLICT (organization_id) DO NOTHING;

  SELECT s.analytics_salt INTO v_salt
    FROM internal.organization_secrets s
   WHERE s.organization_id = p_organization_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s does not exist', p_organization_id);
  END IF;

  RETURN md5(encode(v_salt, 'hex') || ':' || p_customer_id::text);
END
$fn$;

COMMENT ON FUNCTION internal.customer_key(uuid, bigint) IS
  'Pseudonymous key of a customer: md5 of the organization''s analytics salt (hex) and the customer id, creating the salt on first use. NULL for a NULL customer; raises 22004 without an organization, P0002 for an unknown one.';
REVOKE ALL ON FUNCTION internal.customer_key(uuid, bigint) FROM PUBLIC;
