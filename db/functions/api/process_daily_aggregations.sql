-- api.process_daily_aggregations(day, organization): rebuild one trading day of every venue.
CREATE OR REPLACE FUNCTION api.process_daily_aggregations(
  p_day             date,
  p_organization_id uuid
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * Rebuilds the hourly and daily rollups of business date p_day for every
   * venue (of one organization, or all when p_organization_id is NULL),
   * whatever the queue says: the nightly safety net of seed 001 ("generate
   * daily aggregations, 2am"). A one-day api.rebuild_aggregations. Returns
   * the number of venues processed. The organization has no default, so a
   * one-argument call always means the timestamp form and is never ambiguous.
   */
  IF p_day IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_day is missing';
  END IF;
  RETURN api.rebuild_aggregations(p_day, p_day, p_organization_id);
END
$fn$;

COMMENT ON FUNCTION api.process_daily_aggregations(date, uuid) IS
  'Rebuilds the rollups of one business date for every venue (or one organization''s); idempotent. Returns venues processed. Raises 22004 (no day), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.process_daily_aggregations(date, uuid) FROM PUBLIC;
