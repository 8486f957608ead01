-- api.rebuild_aggregations(from, to [, organization]): repair a date range.
CREATE OR REPLACE FUNCTION api.rebuild_aggregations(
  p_from            date,
  p_to              date,
  p_organization_id uuid DEFAULT NULL
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
   * Rebuilds the rollups of every venue-day from p_from to p_to inclusive
   * (of one organization when given) from the facts: for repairs, time-zone
   * changes and first loads. Queue marks for those days are left alone; they
   * are harmless to process again. Returns the venue-days rebuilt.
   */
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_from and p_to are required';
  END IF;
  IF p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_to (%s) is before p_from (%s)', p_to, p_from);
  END IF;
  IF p_organization_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM venue.organizations WHERE organization_id = p_organization_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s does not exist', p_organization_id);
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));

  SELECT array_agg(v.organization_id), array_agg(v.venue_id), array_agg(d::date)
    INTO v_orgs, v_venues, v_dates
    FROM venue.venues v
   CROSS JOIN generate_series(p_from, p_to, interval '1 day') AS d
   WHERE p_organization_id IS NULL OR v.organization_id = p_organization_id;
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.aggregate_venue_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.rebuild_aggregations(date, date, uuid) IS
  'Repair: rebuilds the hourly and daily rollups of every venue-day in [p_from, p_to] (optionally of one organization) from the facts. Raises 22004, 22023 (p_to before p_from), P0002.';
REVOKE ALL ON FUNCTION api.rebuild_aggregations(date, date, uuid) FROM PUBLIC;
