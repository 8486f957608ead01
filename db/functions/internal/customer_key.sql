-- internal.customer_key(organization, customer): the pseudonymous key of a customer in reporting tables.
CREATE OR REPLACE FUNCTION internal.customer_key(
  p_organization_id uuid,
  p_customer_id     bigint
)
RETURNS text
LANGUAGE plpgsql
VOLATILE
AS $fn$
BEGIN
  /*
   * The key under which reporting.customer_analytics holds a customer:
   *   md5(encode(analytics_salt, 'hex') || ':' || customer_id)
   * with the organization's salt from internal.organization_secrets, created
   * here when the organization has none yet (hence VOLATILE). Without the
   * salt the key cannot be traced back to a customer id, and the same id
   * gets unrelated keys in two organizations.
   *
   * The formula is internal.pseudonymous_key and the salt
   * internal.organization_salt; api.process_customer_analytics uses the two
   * directly, fetching the salt once rather than once per customer.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'p_organization_id is missing',
      HINT = 'A customer key is per organization: pass the customer''s organization.';
  END IF;
  IF p_customer_id IS NULL THEN
    RETURN NULL;  -- no customer (a walk-in booking), no key
  END IF;

  RETURN internal.pseudonymous_key(internal.organization_salt(p_organization_id), p_customer_id);
END
$fn$;

COMMENT ON FUNCTION internal.customer_key(uuid, bigint) IS
  'Pseudonymous key of a customer: md5 of the organization''s analytics salt (hex) and the customer id, creating the salt on first use. NULL for a NULL customer; raises 22004 without an organization, P0002 for an unknown one.';
REVOKE ALL ON FUNCTION internal.customer_key(uuid, bigint) FROM PUBLIC;
