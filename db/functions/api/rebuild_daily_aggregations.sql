-- api.rebuild_daily_aggregations(from, to [, organization]): daily rows of a range, from the hourly ones.
CREATE OR REPLACE FUNCTION api.rebuild_daily_aggregations(
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
   * Rebuilds reporting.daily_aggregations of every venue-day from p_from to
   * p_to inclusive (of one organization when given) from the hourly rollups
   * and the per-venue-day customer and table sets (internal.roll_up_days),
   * without reading the facts: seed 001's "daily_aggregations (batch) from
   * hourly_aggregations". Picks up what changed since the days were
   * aggregated without changing their facts: VIP flags, a venue's capacity,
   * its active tables. To re-read the facts, use api.rebuild_aggregations.
   * Returns the daily rows written.
   */
  SELECT d.organization_ids, d.venue_ids, d.dates INTO v_orgs, v_venues, v_dates
    FROM internal.venue_days(p_from, p_to, p_organization_id) d;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.roll_up_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.rebuild_daily_aggregations(date, date, uuid) IS
  'Rebuilds the daily rollups of every venue-day in [p_from, p_to] (optionally of one organization) from the hourly rollups and the per-day customer and table sets, without reading the facts. Returns the daily rows written. Raises 22004 (missing date), 22023 (p_to before p_from), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.rebuild_daily_aggregations(date, date, uuid) FROM PUBLIC;
