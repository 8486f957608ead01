-- internal.dataset_bookings_by_hour(organization, venue, from, to, params): bookings, covers and check-ins per local hour.
CREATE OR REPLACE FUNCTION internal.dataset_bookings_by_hour(
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
   * One row per local clock hour of the trading day, in trading-day order
   * (from the earliest trading_day_starts of the venues in scope: 22:00
   * before 01:00), from the first hour with bookings or scans to the last,
   * quiet hours between them included as zeros so a chart's axis has no
   * holes. Bookings by status (by arrival hour), covers, check-ins and
   * check-outs are summed over the period's days and venues;
   * peak_occupancy is the most people inside in that hour on any day, the
   * venues' counts added. From reporting.hourly_aggregations only (the two
   * rows of the autumn clock change's repeated hour are one hour here).
   * p_params: none.
   */
  WITH v AS (
    SELECT v.organization_id, v.venue_id, extract(hour FROM v.trading_day_starts)::int AS start_hour
      FROM venue.venues v
     WHERE v.organization_id = p_organization_id AND (p_venue_id IS NULL OR v.venue_id = p_venue_id)
  ), day_hours AS (
    SELECT a.business_date, a.local_hour::int AS hour,
           sum(a.bookings_total) AS bookings_total, sum(a.bookings_confirmed) AS bookings_confirmed,
           sum(a.bookings_completed) AS bookings_completed, sum(a.bookings_pending) AS bookings_pending,
           sum(a.bookings_cancelled) AS bookings_cancelled, sum(a.bookings_no_show) AS bookings_no_show,
           sum(a.covers) AS covers, sum(a.check_ins) AS check_ins, sum(a.check_outs) AS check_outs,
           sum(a.peak_occupancy) AS peak_occupancy
      FROM v
      JOIN reporting.hourly_aggregations a
        ON a.organization_id = v.organization_id AND a.venue_id = v.venue_id
       AND a.business_date BETWEEN p_from AND p_to
     GROUP BY 1, 2
  ), h AS (
    SELECT d.hour, sum(d.bookings_total) AS bookings_total, sum(d.bookings_confirmed) AS bookings_confirmed,
           sum(d.bookings_completed) AS bookings_completed, sum(d.bookings_pending) AS bookings_pending,
           sum(d.bookings_cancelled) AS bookings_cancelled, sum(d.bookings_no_show) AS bookings_no_show,
           sum(d.covers) AS covers, sum(d.check_ins) AS check_ins, sum(d.check_outs) AS check_outs,
           max(d.peak_occupancy) AS peak_occupancy
      FROM day_hours d
     GROUP BY 1
  ), start AS (
    SELECT coalesce(min(v.start_hour), 6) AS start_hour FROM v
  ), span AS (
    SELECT min((h.hour - s.start_hour + 24) % 24) AS lo, max((h.hour - s.start_hour + 24) % 24) AS hi
      FROM h CROSS JOIN start s
     WHERE h.bookings_total > 0 OR h.check_ins > 0 OR h.check_outs > 0 OR h.peak_occupancy > 0
  ), r AS (
    SELECT g.position, jsonb_build_object(
             'hour', (s.start_hour + g.position) % 24,
             'hour_label', lpad(((s.start_hour + g.position) % 24)::text, 2, '0') || ':00',
             'bookings_total', coalesce(h.bookings_total, 0), 'bookings_confirmed', coalesce(h.bookings_confirmed, 0),
             'bookings_completed', coalesce(h.bookings_completed, 0), 'bookings_pending', coalesce(h.bookings_pending, 0),
             'bookings_cancelled', coalesce(h.bookings_cancelled, 0), 'bookings_no_show', coalesce(h.bookings_no_show, 0),
             'covers', coalesce(h.covers, 0), 'check_ins', coalesce(h.check_ins, 0),
             'check_outs', coalesce(h.check_outs, 0), 'peak_occupancy', coalesce(h.peak_occupancy, 0)) AS row
      FROM span CROSS JOIN start s
     CROSS JOIN LATERAL generate_series(span.lo, span.hi) AS g(position)
      LEFT JOIN h ON h.hour = (s.start_hour + g.position) % 24
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'hour_label', 'label', 'Hour', 'type', 'text'),
      jsonb_build_object('key', 'bookings_total', 'label', 'Bookings', 'type', 'count'),
      jsonb_build_object('key', 'bookings_confirmed', 'label', 'Confirmed', 'type', 'count'),
      jsonb_build_object('key', 'bookings_completed', 'label', 'Completed', 'type', 'count'),
      jsonb_build_object('key', 'bookings_pending', 'label', 'Pending', 'type', 'count'),
      jsonb_build_object('key', 'bookings_cancelled', 'label', 'Cancelled', 'type', 'count'),
      jsonb_build_object('key', 'bookings_no_show', 'label', 'No-shows', 'type', 'count'),
      jsonb_build_object('key', 'covers', 'label', 'Covers', 'type', 'people'),
      jsonb_build_object('key', 'check_ins', 'label', 'Check-ins', 'type', 'people'),
      jsonb_build_object('key', 'check_outs', 'label', 'Check-outs', 'type', 'people'),
      jsonb_build_object('key', 'peak_occupancy', 'label', 'Peak inside', 'type', 'people')),
    'rows', coalesce((SELECT jsonb_agg(r.row ORDER BY r.position) FROM r), '[]'),
    'totals', (SELECT jsonb_build_object(
                 'hour_label', 'Total',
                 'bookings_total', coalesce(sum(h.bookings_total), 0), 'bookings_confirmed', coalesce(sum(h.bookings_confirmed), 0),
                 'bookings_completed', coalesce(sum(h.bookings_completed), 0), 'bookings_pending', coalesce(sum(h.bookings_pending), 0),
                 'bookings_cancelled', coalesce(sum(h.bookings_cancelled), 0), 'bookings_no_show', coalesce(sum(h.bookings_no_show), 0),
                 'covers', coalesce(sum(h.covers), 0), 'check_ins', coalesce(sum(h.check_ins), 0),
                 'check_outs', coalesce(sum(h.check_outs), 0), 'peak_occupancy', coalesce(max(h.peak_occupancy), 0))
                 FROM h),
    'chart', jsonb_build_object(
      'type', 'stacked_bar',
      'x', jsonb_build_object('key', 'hour_label', 'label', 'Hour'),
      'series', jsonb_build_array(
        jsonb_build_object('key', 'bookings_confirmed', 'label', 'Confirmed', 'unit', 'count'),
        jsonb_build_object('key', 'bookings_completed', 'label', 'Completed', 'unit', 'count'),
        jsonb_build_object('key', 'bookings_pending', 'label', 'Pending', 'unit', 'count'),
        jsonb_build_object('key', 'bookings_cancelled', 'label', 'Cancelled', 'unit', 'count'),
        jsonb_build_object('key', 'bookings_no_show', 'label', 'No-shows', 'unit', 'count'))))
$fn$;

COMMENT ON FUNCTION internal.dataset_bookings_by_hour(uuid, bigint, date, date, jsonb) IS
  'Report dataset bookings_by_hour: bookings by status, covers, check-ins and peak occupancy per local hour of the trading day, in trading-day order, from reporting.hourly_aggregations.';
REVOKE ALL ON FUNCTION internal.dataset_bookings_by_hour(uuid, bigint, date, date, jsonb) FROM PUBLIC;
