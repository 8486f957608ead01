-- internal.demo_person_name(seed, key): a reproducible British first and last name.
CREATE OR REPLACE FUNCTION internal.demo_person_name(p_seed bigint, p_key bigint,
                                                     OUT first_name text, OUT last_name text)
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /* A first and a last name by (seed, key): internal.demo_first_name and demo_last_name together. */
  SELECT internal.demo_first_name(p_seed, p_key), internal.demo_last_name(p_seed, p_key)
$fn$;

COMMENT ON FUNCTION internal.demo_person_name(bigint, bigint) IS
  'A reproducible first and last name for demo customers and staff.';
REVOKE ALL ON FUNCTION internal.demo_person_name(bigint, bigint) FROM PUBLIC;
