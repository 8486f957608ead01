-- internal.demo_last_name(seed, key): a reproducible British last name.
CREATE OR REPLACE FUNCTION internal.demo_last_name(p_seed bigint, p_key bigint)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * One of 40 last names, drawn by (seed, key). A single expression, so the
   * planner inlines it (see internal.demo_first_name, also on why it is
   * not STRICT).
   */
  SELECT (ARRAY['Smith','Jones','Taylor','Brown','Williams','Wilson','Johnson','Davies','Patel','Wright',
                'Robinson','Thompson','Evans','Walker','White','Roberts','Green','Hall','Wood','Jackson',
                'Clarke','Hussain','Khan','Lewis','Harris','Turner','Hill','Scott','Cooper','Ward',
                'Morris','Moore','Shaw','Atkinson','Sutcliffe','Hargreaves','Ackroyd','Nowak','Okafor','Byrne']
          )[1 + floor(internal.demo_random(p_seed, p_key, 7002) * 40)::int]
$fn$;

COMMENT ON FUNCTION internal.demo_last_name(bigint, bigint) IS
  'A reproducible last name for demo customers and staff (inlined into the generator''s queries).';
REVOKE ALL ON FUNCTION internal.demo_last_name(bigint, bigint) FROM PUBLIC;
