-- api.process_daily_aggregations(day): rebuild one trading day of every venue.
CREATE OR REPLACE FUNCTION api.process_daily_aggregations(
  p_day             date,
  p_organization_id uuid
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_orgs   uuid[];
  v_venues bigint[];
  v_dates  date[];
BEGIN
  /*
   * Rebuilds the hourly and daily rollups of business date p_day for every
   * venue (of one organization, or all when p_organization_id is NULL),
   * whatever the queue says: the nightly safety net of seed 001 ("generate
   * daily aggregations, 2am"). Returns the number of venues processed. The
   * organization has no default, so a one-argument call always means the
   * timestamp form and is never ambiguous.
   */
  IF p_day IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_day is missing';
  END IF;
  SELECT d.organization_ids, d.venue_ids, d.dates INTO v_orgs, v_venues, v_dates
    FROM internal.venue_days(p_day, p_day, p_organization_id) d;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.aggregate_venue_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.process_daily_aggregations(date, uuid) IS
  'Rebuilds the rollups of one business date for every venue (or one organization''s); idempotent. Returns venues processed. Raises 22004 (no day), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.process_daily_aggregations(date, uuid) FROM PUBLIC;
