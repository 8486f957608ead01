-- internal.tg_venues__requeue_days(): a venue's capacity, time zone or day start changes its history.
-- SECURITY DEFINER: the aggregation queue is the engine's: an admin changing a venue's clock queues the re-aggregation without any privilege on it.
CREATE OR REPLACE FUNCTION internal.tg_venues__requeue_days()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * Statement-level AFTER UPDATE on venue.venues. A new capacity changes
   * every occupancy rate; a new time zone or trading-day start moves facts
   * between days. Queues every day the venue has rollups for, and the day
   * either side of each (facts may move into a day that had none).
   */
  INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)
  SELECT DISTINCT a.organization_id, a.venue_id, a.business_date + shift
    FROM new_rows n
    JOIN old_rows o USING (organization_id, venue_id)
    JOIN reporting.daily_aggregations a
      ON a.organization_id = n.organization_id AND a.venue_id = n.venue_id
   CROSS JOIN (VALUES (-1), (0), (1)) AS s(shift)
   WHERE (n.capacity, n.timezone, n.trading_day_starts) IS DISTINCT FROM (o.capacity, o.timezone, o.trading_day_starts)
   ORDER BY 1, 2, 3;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_venues__requeue_days() IS
  'Queues every rolled-up day (and its neighbours) of venues whose capacity, time zone or trading-day start changed.';
REVOKE ALL ON FUNCTION internal.tg_venues__requeue_days() FROM PUBLIC;
