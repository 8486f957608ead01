-- internal.check_claim_arguments(caller, worker, limit, lease): the checks every lease-taking claim makes first.
CREATE OR REPLACE FUNCTION internal.check_claim_arguments(
  p_caller text,
  p_worker text,
  p_limit  integer,
  p_lease  interval
)
RETURNS void
LANGUAGE plpgsql
IMMUTABLE
AS $fn$
BEGIN
  /*
   * api.claim_reports and api.claim_deliveries: a worker name is required
   * (22004, it is what the lease is held by), 1 to 1000 at a time and a
   * lease from 1 second to 1 hour (22023), so a typo cannot take the whole
   * queue or hold it for a day.
   */
  IF p_worker IS NULL OR btrim(p_worker) = '' THEN
    RAISE EXCEPTION '%: p_worker is missing', p_caller USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
    RAISE EXCEPTION '%: p_limit must be from 1 to 1000, got %', p_caller, p_limit USING ERRCODE = '22023';
  END IF;
  IF p_lease IS NULL OR p_lease < interval '1 second' OR p_lease > interval '1 hour' THEN
    RAISE EXCEPTION '%: p_lease must be from 1 second to 1 hour, got %', p_caller, p_lease USING ERRCODE = '22023';
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.check_claim_arguments(text, text, integer, interval) IS
  'Raises 22004 without a worker, 22023 for a limit outside 1-1000 or a lease outside 1 second - 1 hour.';
REVOKE ALL ON FUNCTION internal.check_claim_arguments(text, text, integer, interval) FROM PUBLIC;
