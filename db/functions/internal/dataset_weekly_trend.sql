-- internal.dataset_weekly_trend(organization, venue, from, to, params): the last n Monday-Sunday weeks up to the period's end.
CREATE OR REPLACE FUNCTION internal.dataset_weekly_trend(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date,
  p_params          jsonb
)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $fn$
  /*
   * params.weeks Monday-Sunday weeks of trading days, the last being the
   * week containing p_to (cut at p_to: complete = false when p_to is not a
   * Sunday), oldest first, each with gross and net revenue, bookings,
   * covers, check-ins, trading days (check-ins, bookings or revenue) and
   * the mean peak occupancy rate of the nights with check-ins, plus the
   * change in gross revenue from the week before (a fraction). Weeks
   * without trading are rows of zeros, so the line has no gaps. Read from
   * reporting.daily_aggregations rather than reporting.weekly_summary_view:
   * the view is refreshed nightly and may lag, and it cannot cut the last
   * week at p_to; a few hundred daily rows cost nothing. p_from is not used.
   */
  WITH w AS (
    SELECT (date_trunc('week', p_to)::date - 7 * (n - 1)) AS week_start, n
      FROM generate_series(coalesce((p_params ->> 'weeks')::int, 8), 1, -1) AS n
  ), a AS (
    SELECT date_trunc('week', a.business_date)::date AS week_start,
           count(DISTINCT a.business_date) FILTER (WHERE a.check_ins > 0 OR a.bookings_total > 0 OR a.gross_revenue > 0) AS trading_days,
           sum(a.gross_revenue) AS gross, sum(a.net_revenue) AS net, sum(a.bookings_total) AS bookings,
           sum(a.covers) AS covers, sum(a.check_ins) AS check_ins,
           round(avg(a.occupancy_rate) FILTER (WHERE a.check_ins > 0), 4) AS occupancy
      FROM reporting.daily_aggregations a
     WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
       AND a.business_date BETWEEN (SELECT min(w.week_start) FROM w) AND p_to
     GROUP BY 1
  ), r AS (
    SELECT w.week_start, least(w.week_start + 6, p_to) AS week_end, w.week_start + 6 <= p_to AS complete,
           coalesce(a.trading_days, 0) AS trading_days, coalesce(a.gross, 0) AS gross,
           coalesce(a.net, 0) AS net, coalesce(a.bookings, 0) AS bookings, coalesce(a.covers, 0) AS covers,
           coalesce(a.check_ins, 0) AS check_ins, a.occupancy,
           lag(coalesce(a.gross, 0)) OVER (ORDER BY w.week_start) AS previous_gross
      FROM w LEFT JOIN a USING (week_start)
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'week_start', 'label', 'Week of', 'type', 'date'),
      jsonb_build_object('key', 'trading_days', 'label', 'Trading days', 'type', 'count'),
      jsonb_build_object('key', 'gross_revenue', 'label', 'Gross revenue', 'type', 'currency'),
      jsonb_build_object('key', 'net_revenue', 'label', 'Net revenue', 'type', 'currency'),
      jsonb_build_object('key', 'gross_revenue_change', 'label', 'Change', 'type', 'ratio'),
      jsonb_build_object('key', 'bookings_total', 'label', 'Bookings', 'type', 'count'),
      jsonb_build_object('key', 'covers', 'label', 'Covers', 'type', 'people'),
      jsonb_build_object('key', 'check_ins', 'label', 'Check-ins', 'type', 'people'),
      jsonb_build_object('key', 'average_occupancy_rate', 'label', 'Average peak occupancy', 'type', 'ratio')),
    'rows', (SELECT jsonb_agg(jsonb_build_object(
               'week_start', r.week_start, 'week_end', r.week_end, 'complete', r.complete,
               'trading_days', r.trading_days, 'gross_revenue', round(r.gross, 2), 'net_revenue', round(r.net, 2),
               'gross_revenue_change', round((r.gross - r.previous_gross) / nullif(r.previous_gross, 0), 4),
               'bookings_total', r.bookings, 'covers', r.covers, 'check_ins', r.check_ins,
               'average_occupancy_rate', r.occupancy) ORDER BY r.week_start)
               FROM r),
    'totals', (SELECT jsonb_build_object(
                 'week_start', NULL, 'trading_days', sum(r.trading_days), 'gross_revenue', round(sum(r.gross), 2),
                 'net_revenue', round(sum(r.net), 2), 'bookings_total', sum(r.bookings), 'covers', sum(r.covers),
                 'check_ins', sum(r.check_ins))
                 FROM r),
    'chart', jsonb_build_object(
      'type', 'line',
      'x', jsonb_build_object('key', 'week_start', 'label', 'Week of'),
      'series', jsonb_build_array(
        jsonb_build_object('key', 'gross_revenue', 'label', 'Gross revenue', 'unit', 'currency'),
        jsonb_build_object('key', 'net_revenue', 'label', 'Net revenue', 'unit', 'currency'))))
$fn$;

COMMENT ON FUNCTION internal.dataset_weekly_trend(uuid, bigint, date, date, jsonb) IS
  'Report dataset weekly_trend: the last params.weeks Monday-Sunday weeks up to the period''s end, with revenue, bookings, covers, check-ins, occupancy and the week-on-week change in revenue, from reporting.daily_aggregations.';
REVOKE ALL ON FUNCTION internal.dataset_weekly_trend(uuid, bigint, date, date, jsonb) FROM PUBLIC;
