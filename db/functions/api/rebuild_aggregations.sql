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
  SELECT d.organization_ids, d.venue_ids, d.dates INTO v_orgs, v_venues, v_dates
    FROM internal.venue_days(p_from, p_to, p_organization_id) d;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.aggregate_venue_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.rebuild_aggregations(date, date, uuid) IS
  'Repair: rebuilds the hourly and daily rollups of every venue-day in [p_from, p_to] (optionally of one organization) from the facts. Raises 22004, 22023 (p_to before p_from), P0002.';
REVOKE ALL ON FUNCTION api.rebuild_aggregations(date, date, uuid) FROM PUBLIC;
