-- internal.venue_periods(organization, venue, from, to): each venue's trading days from..to as instants.
CREATE OR REPLACE FUNCTION internal.venue_periods(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date
)
RETURNS TABLE (organization_id uuid, venue_id bigint, lo timestamptz, hi timestamptz)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * For one venue (or, p_venue_id NULL, each of the organization's): the
   * instant its trading day p_from began (lo) and the instant the day after
   * p_to began (hi), on its own clock, so facts of the period are
   * at >= lo AND at < hi, read through the (organization, venue, time)
   * indexes. One SELECT, so it is inlined into the report datasets that use it.
   */
  SELECT v.organization_id, v.venue_id,
         (p_from + v.trading_day_starts) AT TIME ZONE v.timezone,
         (p_to + 1 + v.trading_day_starts) AT TIME ZONE v.timezone
    FROM venue.venues v
   WHERE v.organization_id = p_organization_id AND (p_venue_id IS NULL OR v.venue_id = p_venue_id)
$fn$;

COMMENT ON FUNCTION internal.venue_periods(uuid, bigint, date, date) IS
  'Each venue''s period of trading days p_from..p_to as the instants [lo, hi), on its own clock and trading-day start.';
REVOKE ALL ON FUNCTION internal.venue_periods(uuid, bigint, date, date) FROM PUBLIC;
