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
  IF p_organization_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM venue.organizations WHERE organization_id = p_organization_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s does not exist', p_organization_id);
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));

  SELECT array_agg(organization_id), array_agg(venue_id), array_agg(p_day)
    INTO v_orgs, v_venues, v_dates
    FROM venue.venues
   WHERE p_organization_id IS NULL OR organization_id = p_organization_id;
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.aggregate_venue_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.process_daily_aggregations(date, uuid) IS
  'Rebuilds the rollups of one business date for every venue (or one organization''s); idempotent. Returns venues processed. Raises 22004 (no day), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.process_daily_aggregations(date, uuid) FROM PUBLIC;
