-- internal.pseudonymous_key(salt, customer): the key formula, in one place.
CREATE OR REPLACE FUNCTION internal.pseudonymous_key(p_salt bytea, p_customer_id bigint)
RETURNS text
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /* md5 of the salt (hex) and the customer id: cheap per row, inlined by the planner. */
  SELECT md5(encode(p_salt, 'hex') || ':' || p_customer_id::text)
$fn$;

COMMENT ON FUNCTION internal.pseudonymous_key(bytea, bigint) IS
  'md5(hex(salt) || '':'' || customer_id): the pseudonymous customer key of reporting.customer_analytics.';
REVOKE ALL ON FUNCTION internal.pseudonymous_key(bytea, bigint) FROM PUBLIC;
