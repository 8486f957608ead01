-- internal.demo_first_name(seed, key): a reproducible British first name.
CREATE OR REPLACE FUNCTION internal.demo_first_name(p_seed bigint, p_key bigint)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * One of 40 first names, drawn by (seed, key). A single expression, so the
   * planner inlines it: the generator names 400,000 customers in one pass
   * without a function call each. Not STRICT on purpose: the planner inlines a
   * strict function only when its body is strict too, and an ARRAY[...]
   * constructor does not count as strict (a NULL key still gives NULL).
   */
  SELECT (ARRAY['Olivia','Amelia','Isla','Ava','Mia','Ivy','Lily','Isabella','Sophia','Grace',
                'Freya','Poppy','Ella','Evie','Chloe','Aisha','Priya','Zara','Niamh','Erin',
                'Oliver','George','Noah','Arthur','Leo','Harry','Oscar','Jack','Charlie','Jacob',
                'Muhammad','Alfie','Theo','Callum','Ryan','Kieran','Declan','Rohan','Kwame','Tomasz']
          )[1 + floor(internal.demo_random(p_seed, p_key, 7001) * 40)::int]
$fn$;

COMMENT ON FUNCTION internal.demo_first_name(bigint, bigint) IS
  'A reproducible first name for demo customers and staff (inlined into the generator''s queries).';
REVOKE ALL ON FUNCTION internal.demo_first_name(bigint, bigint) FROM PUBLIC;
