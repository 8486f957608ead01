-- internal.analyse_events(organizations, venues, dates): event performance of these venue-days.
CREATE OR REPLACE FUNCTION internal.analyse_events(
  p_organization_ids uuid[],
  p_venue_ids        bigint[],
  p_dates            date[]
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_events integer;
BEGIN
  /*
   * Rebuilds reporting.event_performance_analytics for the events whose
   * trading day is one of the given venue-days, then the comparisons of
   * their series from there on (the previous occurrence at the venue, and the
   * mean of the previous four). A fact belongs to an event when it carries
   * the event's id, or carries none and falls within the event's doors-open
   * window (an hour either side of starts_at..ends_at) at its venue.
   * Returns the events rebuilt.
   */
  CREATE TEMP TABLE ev ON COMMIT DROP AS
  SELECT e.organization_id, e.event_id, e.venue_id, e.series, e.starts_at, e.ends_at, v.timezone,
         internal.business_date(e.starts_at, v.timezone, v.trading_day_starts) AS business_date,
         coalesce(e.capacity, v.capacity) AS capacity
    FROM unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
    JOIN venue.venues v USING (organization_id, venue_id)
    JOIN venue.events e
      ON e.organization_id = u.organization_id AND e.venue_id = u.venue_id
     AND e.starts_at >= (u.business_date + v.trading_day_starts) AT TIME ZONE v.timezone
     AND e.starts_at < (u.business_date + 1 + v.trading_day_starts) AT TIME ZONE v.timezone
   WHERE e.status <> 'cancelled';
  GET DIAGNOSTICS v_events = ROW_COUNT;

  DELETE FROM reporting.event_performance_analytics a
   USING unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
   WHERE a.organization_id = u.organization_id AND a.venue_id = u.venue_id
     AND a.business_date = u.business_date;

  INSERT INTO reporting.event_performance_analytics (
    organization_id, event_id, venue_id, series, business_date, starts_at, capacity,
    attendance, peak_occupancy, occupancy_rate, bookings_total, bookings_no_show, no_show_rate,
    gross_revenue, bar_revenue, table_revenue, ticket_revenue, feedback_count, average_rating)
  SELECT ev.organization_id, ev.event_id, ev.venue_id, ev.series, ev.business_date, ev.starts_at,
         ev.capacity, coalesce(c.attendance, 0), coalesce(o.peak, 0),
         round(coalesce(o.peak, 0)::numeric / ev.capacity, 4),
         coalesce(b.total, 0), coalesce(b.no_show, 0),
         round(b.no_show::numeric / nullif(b.due, 0), 4),
         coalesce(p.gross, 0), coalesce(p.bar, 0), coalesce(p.tables, 0), coalesce(p.tickets, 0),
         coalesce(f.feedback, 0), round(f.rating_sum::numeric / nullif(f.feedback, 0), 2)
    FROM ev
    LEFT JOIN LATERAL (
      SELECT sum(x.people) FILTER (WHERE x.direction = 'in') AS attendance
        FROM venue.check_ins x
       WHERE x.organization_id = ev.organization_id AND x.venue_id = ev.venue_id
         AND x.occurred_at >= ev.starts_at - interval '1 hour' AND x.occurred_at < ev.ends_at + interval '1 hour'
         AND (x.event_id = ev.event_id OR x.event_id IS NULL)) c ON true
    LEFT JOIN LATERAL (
      SELECT max(h.peak_occupancy) AS peak
        FROM reporting.hourly_aggregations h
       WHERE h.organization_id = ev.organization_id AND h.venue_id = ev.venue_id
         AND h.business_date = ev.business_date
         AND h.hour_start >= internal.hour_bucket(ev.starts_at, ev.timezone) AND h.hour_start < ev.ends_at) o ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS total,
             count(*) FILTER (WHERE x.status = 'no_show') AS no_show,
             count(*) FILTER (WHERE x.status IN ('confirmed', 'completed', 'no_show')) AS due
        FROM venue.bookings x
       WHERE x.organization_id = ev.organization_id AND x.venue_id = ev.venue_id
         AND (x.event_id = ev.event_id
              OR (x.event_id IS NULL AND x.arrives_at >= ev.starts_at - interval '1 hour'
                  AND x.arrives_at < ev.ends_at))) b ON true
    LEFT JOIN LATERAL (
      SELECT coalesce(sum(x.amount) FILTER (WHERE x.kind <> 'refund'), 0) AS gross,
             coalesce(sum(x.amount) FILTER (WHERE x.kind = 'bar'), 0) AS bar,
             coalesce(sum(x.amount) FILTER (WHERE x.kind = 'table'), 0) AS tables,
             coalesce(sum(x.amount) FILTER (WHERE x.kind = 'ticket'), 0) AS tickets
        FROM venue.payments x
       WHERE x.organization_id = ev.organization_id AND x.venue_id = ev.venue_id
         AND x.status = 'succeeded'
         AND (x.event_id = ev.event_id
              OR (x.event_id IS NULL AND x.paid_at >= ev.starts_at - interval '1 hour'
                  AND x.paid_at < ev.ends_at + interval '1 hour'))) p ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS feedback, sum(x.rating) AS rating_sum
        FROM venue.feedback x
       WHERE x.organization_id = ev.organization_id AND x.event_id = ev.event_id) f ON true;

  -- Comparisons along each touched series, from its earliest rebuilt event on.
  WITH touched AS (
    SELECT organization_id, venue_id, series, min(starts_at) AS since
      FROM ev WHERE series IS NOT NULL GROUP BY 1, 2, 3
  ), ordered AS (
    SELECT a.organization_id, a.event_id, a.starts_at, t.since,
           lag(a.event_id) OVER w AS previous_event_id,
           lag(a.attendance) OVER w AS previous_attendance,
           lag(a.gross_revenue) OVER w AS previous_gross_revenue,
           avg(a.attendance) OVER (w ROWS BETWEEN 4 PRECEDING AND 1 PRECEDING) AS series_4wk_attendance,
           avg(a.gross_revenue) OVER (w ROWS BETWEEN 4 PRECEDING AND 1 PRECEDING) AS series_4wk_revenue
      FROM reporting.event_performance_analytics a
      JOIN touched t USING (organization_id, venue_id, series)
    WINDOW w AS (PARTITION BY a.organization_id, a.venue_id, a.series ORDER BY a.starts_at)
  )
  UPDATE reporting.event_performance_analytics a
     SET previous_event_id = o.previous_event_id,
         previous_attendance = o.previous_attendance,
         previous_gross_revenue = o.previous_gross_revenue,
         series_4wk_attendance = round(o.series_4wk_attendance, 2),
         series_4wk_revenue = round(o.series_4wk_revenue, 2),
         computed_at = now()
    FROM ordered o
   WHERE a.organization_id = o.organization_id AND a.event_id = o.event_id
     AND o.starts_at >= o.since;

  DROP TABLE ev;
  RETURN v_events;
END
$fn$;

COMMENT ON FUNCTION internal.analyse_events(uuid[], bigint[], date[]) IS
  'Rebuilds reporting.event_performance_analytics for the events of the given venue-days (attendance, peak occupancy, revenue by kind, no-shows, rating) and the previous-occurrence and 4-occurrence comparisons of their series.';
REVOKE ALL ON FUNCTION internal.analyse_events(uuid[], bigint[], date[]) FROM PUBLIC;
