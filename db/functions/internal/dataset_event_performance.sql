-- internal.dataset_event_performance(organization, venue, from, to, params): each event of the period against its series.
CREATE OR REPLACE FUNCTION internal.dataset_event_performance(
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
   * One row per event (not cancelled) whose trading day is in the period,
   * in start order, from reporting.event_performance_analytics: attendance,
   * capacity, occupancy, bookings and no-shows, revenue by kind, rating,
   * and its previous occurrence in the series (previous_*, change as a
   * fraction). params.compare_series adds the mean of the series' previous
   * four occurrences and the change against it (columns and a chart
   * series). totals adds the events up (occupancy over the
   * summed figures, rating over all reviews; no-show rate is per event only, the analytics keep no count of bookings due). p_params: compare_series.
   */
  WITH e AS (
    SELECT a.*, ev.name, v.name AS venue_name,
           round((a.attendance - a.previous_attendance)::numeric / nullif(a.previous_attendance, 0), 4) AS attendance_change,
           round((a.gross_revenue - a.previous_gross_revenue) / nullif(a.previous_gross_revenue, 0), 4) AS revenue_change,
           round((a.attendance - a.series_4wk_attendance) / nullif(a.series_4wk_attendance, 0), 4) AS attendance_vs_series,
           round((a.gross_revenue - a.series_4wk_revenue) / nullif(a.series_4wk_revenue, 0), 4) AS revenue_vs_series
      FROM reporting.event_performance_analytics a
      JOIN venue.events ev ON ev.organization_id = a.organization_id AND ev.event_id = a.event_id
      JOIN venue.venues v ON v.organization_id = a.organization_id AND v.venue_id = a.venue_id
     WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
       AND a.business_date BETWEEN p_from AND p_to
  ), o AS (
    SELECT coalesce((p_params ->> 'compare_series')::boolean, false) AS compare_series
  )
  SELECT jsonb_build_object(
    'columns', (
      SELECT jsonb_agg(jsonb_build_object('key', c.key, 'label', c.label, 'type', c.type) ORDER BY c.n)
        FROM (VALUES
          (1, 'event', 'Event', 'text', false), (2, 'venue', 'Venue', 'text', false),
          (3, 'business_date', 'Date', 'date', false), (4, 'attendance', 'Attendance', 'people', false),
          (5, 'capacity', 'Capacity', 'people', false), (6, 'occupancy_rate', 'Peak occupancy', 'ratio', false),
          (7, 'bookings_total', 'Bookings', 'count', false), (8, 'no_show_rate', 'No-shows', 'ratio', false),
          (9, 'gross_revenue', 'Revenue', 'currency', false), (10, 'bar_revenue', 'Bar', 'currency', false),
          (11, 'table_revenue', 'Tables', 'currency', false), (12, 'ticket_revenue', 'Tickets', 'currency', false),
          (13, 'average_rating', 'Rating', 'rating', false),
          (14, 'previous_attendance', 'Last time: attendance', 'people', false),
          (15, 'attendance_change', 'Attendance change', 'ratio', false),
          (16, 'previous_gross_revenue', 'Last time: revenue', 'currency', false),
          (17, 'revenue_change', 'Revenue change', 'ratio', false),
          (18, 'series_4wk_attendance', 'Series average attendance', 'people', true),
          (19, 'attendance_vs_series', 'Attendance vs series', 'ratio', true),
          (20, 'series_4wk_revenue', 'Series average revenue', 'currency', true),
          (21, 'revenue_vs_series', 'Revenue vs series', 'ratio', true)
        ) AS c(n, key, label, type, series_only)
       WHERE NOT c.series_only OR o.compare_series),
    'rows', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'event_id', e.event_id, 'event', e.name, 'series', e.series, 'venue', e.venue_name,
               'business_date', e.business_date, 'starts_at', e.starts_at,
               'attendance', e.attendance, 'capacity', e.capacity, 'peak_occupancy', e.peak_occupancy,
               'occupancy_rate', e.occupancy_rate, 'bookings_total', e.bookings_total,
               'bookings_no_show', e.bookings_no_show, 'no_show_rate', e.no_show_rate,
               'gross_revenue', e.gross_revenue, 'bar_revenue', e.bar_revenue,
               'table_revenue', e.table_revenue, 'ticket_revenue', e.ticket_revenue,
               'feedback_count', e.feedback_count, 'average_rating', e.average_rating,
               'previous_attendance', e.previous_attendance, 'attendance_change', e.attendance_change,
               'previous_gross_revenue', e.previous_gross_revenue, 'revenue_change', e.revenue_change)
             || CASE WHEN o.compare_series THEN jsonb_build_object(
               'series_4wk_attendance', e.series_4wk_attendance, 'attendance_vs_series', e.attendance_vs_series,
               'series_4wk_revenue', e.series_4wk_revenue, 'revenue_vs_series', e.revenue_vs_series)
                    ELSE '{}' END
             ORDER BY e.starts_at, e.event_id)
        FROM e), '[]'),
    'totals', (
      SELECT jsonb_build_object(
               'event', format('%s events', count(*)),
               'attendance', coalesce(sum(e.attendance), 0), 'capacity', coalesce(sum(e.capacity), 0),
               'occupancy_rate', round(sum(e.peak_occupancy)::numeric / nullif(sum(e.capacity), 0), 4),
               'bookings_total', coalesce(sum(e.bookings_total), 0),
               'bookings_no_show', coalesce(sum(e.bookings_no_show), 0),
               'gross_revenue', coalesce(sum(e.gross_revenue), 0), 'bar_revenue', coalesce(sum(e.bar_revenue), 0),
               'table_revenue', coalesce(sum(e.table_revenue), 0), 'ticket_revenue', coalesce(sum(e.ticket_revenue), 0),
               'feedback_count', coalesce(sum(e.feedback_count), 0),
               'average_rating', round(sum(e.average_rating * e.feedback_count) / nullif(sum(e.feedback_count), 0), 2))
        FROM e),
    'chart', jsonb_build_object(
      'type', 'bar',
      'x', jsonb_build_object('key', 'event', 'label', 'Event'),
      'series', jsonb_build_array(
        jsonb_build_object('key', 'attendance', 'label', 'Attendance', 'unit', 'people'),
        jsonb_build_object('key', 'previous_attendance', 'label', 'Last time', 'unit', 'people'))
        || CASE WHEN o.compare_series THEN jsonb_build_array(
             jsonb_build_object('key', 'series_4wk_attendance', 'label', 'Series average', 'unit', 'people'))
                ELSE '[]' END))
    FROM o
$fn$;

COMMENT ON FUNCTION internal.dataset_event_performance(uuid, bigint, date, date, jsonb) IS
  'Report dataset event_performance: each event of the period (attendance, occupancy, no-shows, revenue by kind, rating) against its previous occurrence and, with compare_series, its series'' four-occurrence average, from reporting.event_performance_analytics.';
REVOKE ALL ON FUNCTION internal.dataset_event_performance(uuid, bigint, date, date, jsonb) FROM PUBLIC;
