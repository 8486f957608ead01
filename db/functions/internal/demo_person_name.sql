-- internal.demo_person_name(seed, key): a reproducible British first and last name.
CREATE OR REPLACE FUNCTION internal.demo_person_name(p_seed bigint, p_key bigint,
                                                     OUT first_name text, OUT last_name text)
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /* Picks a first and a last name from fixed lists by (seed, key). */
  SELECT (ARRAY['Olivia','Amelia','Isla','Ava','Mia','Ivy','Lily','Isabella','Sophia','Grace',
                'Freya','Poppy','Ella','Evie','Chloe','Aisha','Priya','Zara','Niamh','Erin',
                'Oliver','George','Noah','Arthur','Leo','Harry','Oscar','Jack','Charlie','Jacob',
                'Muhammad','Alfie','Theo','Callum','Ryan','Kieran','Declan','Rohan','Kwame','Tomasz']
          )[1 + floor(internal.demo_random(p_seed, p_key, 7001) * 40)::int],
         (ARRAY['Smith','Jones','Taylor','Brown','Williams','Wilson','Johnson','Davies','Patel','Wright',
                'Robinson','Thompson','Evans','Walker','White','Roberts','Green','Hall','Wood','Jackson',
                'Clarke','Hussain','Khan','Lewis','Harris','Turner','Hill','Scott','Cooper','Ward',
                'Morris','Moore','Shaw','Atkinson','Sutcliffe','Hargreaves','Ackroyd','Nowak','Okafor','Byrne']
          )[1 + floor(internal.demo_random(p_seed, p_key, 7002) * 40)::int]
$fn$;

COMMENT ON FUNCTION internal.demo_person_name(bigint, bigint) IS
  'A reproducible first and last name for demo customers and staff.';
REVOKE ALL ON FUNCTION internal.demo_person_name(bigint, bigint) FROM PUBLIC;
