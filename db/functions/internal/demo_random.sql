-- internal.demo_random(seed, a, b): a deterministic uniform number in [0, 1).
CREATE OR REPLACE FUNCTION internal.demo_random(p_seed bigint, p_a bigint, p_b bigint DEFAULT 0)
RETURNS double precision
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /*
   * Counter-based randomness for the demo generator: the value depends only on
   * (seed, a, b), never on evaluation order, so generation is reproducible,
   * parallel-safe, and a later top-up yields exactly the rows a single longer
   * run would. 53 bits of hashint8extended's output become the mantissa.
   */
  SELECT ((hashint8extended(p_b # hashint8extended(p_a, p_seed), p_seed) >> 11)
          & 9007199254740991)::double precision / 9007199254740992.0
$fn$;

COMMENT ON FUNCTION internal.demo_random(bigint, bigint, bigint) IS
  'Deterministic uniform [0,1) from (seed, a, b): reproducible randomness for api.generate_demo_data.';
REVOKE ALL ON FUNCTION internal.demo_random(bigint, bigint, bigint) FROM PUBLIC;
