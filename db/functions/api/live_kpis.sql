-- api.live_kpis(venue [, now]): tonight's figures of one venue for the live dashboard, as one JSON object.
-- SECURITY INVOKER: it reads through the caller's row-level security, so an
-- admin or manager sees their own venues and nobody else's (another
-- organization's venue is not found: P0002). Other client roles have no EXECUTE (42501).
CREATE OR REPLACE FUNCTION api.live_kpis(
  p_venue_id bigint,
  p_now      timestamptz DEFAULT now()
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  -- A confirmed booking not checked in this long after its arrival time is late.
  c_late_after constant interval := interval '30 minutes';
  v_venue      record;
  v_currency   text;
  v_local      timestamp;
  v_date       date;
  v_lo         timestamptz;
  v_hi         timestamptz;
  v_computed   timestamptz;
  v_cutoff     timestamptz;
  v_revenue    jsonb;
  v_inside     bigint;
  v_peak       bigint;
  v_bookings   jsonb;
  v_hourly     jsonb;
  v_event      record;
  v_event_json jsonb;
BEGIN
  /*
   * The venue's current trading day (the one p_now falls in, on the venue's
   * clock and trading_day_starts), up to p_now:
   *   occupancy  people inside (check-ins minus check-outs of the day, never
   *              below 0), the day's peak, both as a rate of the venue capacity;
   *   bookings   of the day by arrives_at, not cancelled: arrived (a check-in
   *              names the booking), expected (confirmed, not arrived, arrival
   *              less than 30 minutes ago or still to come), late (confirmed,
   *              not arrived, arrival more than 30 minutes ago), with covers;
   *   revenue    gross, refunds and net (DESIGN's definitions), in total and
   *              per local clock hour from the day's start to p_now;
   *   event      the event running at p_now (else the day's next or latest
   *              one) so far, against the mean of the previous four
   *              occurrences of its series at the venue
   *              (reporting.event_performance_analytics, whole nights).
   *
   * Rolled-up hours plus the facts since: reporting.hourly_aggregations
   * holds the day's hours as of its rebuild (computed_at); the hours that had
   * ended by then, and by p_now, are read from it, and the facts from the
   * first hour it did not close (rollup_through) to p_now are read from the
   * fact tables through their (organization, venue, time) indexes. A fact
   * back-dated into a closed hour after the rollup shows once
   * api.process_hourly_aggregations has rebuilt the day (the system job
   * hourly_aggregations, at the top of each hour: within the hour). With no
   * rollup of the day, every fact of the day is read.
   *
   * The trading-day and hour arithmetic of internal.business_date and
   * internal.hour_bucket is written out here: this function runs as the
   * caller, who may not execute internal functions.
   */
  IF p_venue_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'live_kpis: p_venue_id is missing';
  END IF;
  IF p_now IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'live_kpis: p_now is missing',
      HINT = 'Leave it out for the current time.';
  END IF;

  SELECT v.organization_id, v.venue_id, v.name, v.timezone, v.trading_day_starts, v.capacity
    INTO v_venue
    FROM venue.venues v
   WHERE v.venue_id = p_venue_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('live_kpis: no venue %s', p_venue_id),
      HINT = 'Venues of organizations where you are not an admin or manager are not visible.';
  END IF;
  SELECT o.currency INTO v_currency FROM venue.organizations o WHERE o.organization_id = v_venue.organization_id;

  -- The trading day p_now belongs to (internal.business_date) and its span [lo, hi).
  v_local := p_now AT TIME ZONE v_venue.timezone;
  v_date := CASE WHEN p_now >= (v_local::date + v_venue.trading_day_starts) AT TIME ZONE v_venue.timezone
                 THEN v_local::date ELSE v_local::date - 1 END;
  v_lo := (v_date + v_venue.trading_day_starts) AT TIME ZONE v_venue.timezone;
  v_hi := (v_date + 1 + v_venue.trading_day_starts) AT TIME ZONE v_venue.timezone;

  -- Rolled-up hours are used below the start of the hour the rollup was
  -- computed in (internal.hour_bucket), and never past p_now's hour.
  SELECT min(h.computed_at) INTO v_computed
    FROM reporting.hourly_aggregations h
   WHERE h.organization_id = v_venue.organization_id AND h.venue_id = v_venue.venue_id
     AND h.business_date = v_date;
  v_cutoff := least(coalesce(v_computed, v_lo), p_now);
  v_cutoff := greatest(v_lo, v_cutoff - ((v_cutoff AT TIME ZONE v_venue.timezone)
                                         - date_trunc('hour', v_cutoff AT TIME ZONE v_venue.timezone)));

  /*
   * One statement over the hours: the rolled-up ones before the cutoff, the
   * payments and check-ins since, each per local hour. People inside are
   * counted on from the rolled-up hours in scan order (occurred_at,
   * check_in_id), as the rollup counts them, for the peak at any scan.
   */
  WITH roll AS (
    SELECT h.hour_start, h.gross_revenue AS gross, h.refunds, h.check_ins::bigint AS ins,
           h.check_outs::bigint AS outs, h.peak_occupancy::bigint AS peak
      FROM reporting.hourly_aggregations h
     WHERE h.organization_id = v_venue.organization_id AND h.venue_id = v_venue.venue_id
       AND h.business_date = v_date AND h.hour_start < v_cutoff
  ), pay AS (
    SELECT x.paid_at - ((x.paid_at AT TIME ZONE v_venue.timezone)
                        - date_trunc('hour', x.paid_at AT TIME ZONE v_venue.timezone)) AS hour_start,
           sum(x.amount) FILTER (WHERE x.kind <> 'refund') AS gross,
           sum(x.amount) FILTER (WHERE x.kind = 'refund') AS refunds
      FROM venue.payments x
     WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
       AND x.paid_at >= v_cutoff AND x.paid_at <= p_now AND x.paid_at < v_hi
       AND x.status = 'succeeded'
     GROUP BY 1
  ), scans AS (
    SELECT x.occurred_at, x.direction, x.people,
           (SELECT coalesce(sum(r.ins - r.outs), 0) FROM roll r)
             + sum(CASE x.direction WHEN 'in' THEN x.people ELSE -x.people END)
                 OVER (ORDER BY x.occurred_at, x.check_in_id ROWS UNBOUNDED PRECEDING) AS inside
      FROM venue.check_ins x
     WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
       AND x.occurred_at >= v_cutoff AND x.occurred_at <= p_now AND x.occurred_at < v_hi
  ), scanned AS (
    SELECT s.occurred_at - ((s.occurred_at AT TIME ZONE v_venue.timezone)
                            - date_trunc('hour', s.occurred_at AT TIME ZONE v_venue.timezone)) AS hour_start,
           sum(s.people) FILTER (WHERE s.direction = 'in') AS ins,
           sum(s.people) FILTER (WHERE s.direction = 'out') AS outs,
           max(s.inside) AS peak
      FROM scans s
     GROUP BY 1
  ), hours AS (
    SELECT u.hour_start, sum(u.gross) AS gross, sum(u.refunds) AS refunds,
           coalesce(sum(u.ins), 0) AS ins, coalesce(sum(u.outs), 0) AS outs, max(u.peak) AS peak
      FROM (SELECT * FROM roll
            UNION ALL SELECT p.hour_start, p.gross, p.refunds, NULL, NULL, NULL FROM pay p
            UNION ALL SELECT s.hour_start, NULL, NULL, s.ins, s.outs, s.peak FROM scanned s) u
     GROUP BY u.hour_start
  )
  SELECT (SELECT sum(h.ins - h.outs) FROM hours h),
         (SELECT max(h.peak) FROM hours h),
         (SELECT jsonb_build_object(
                   'gross', coalesce(sum(h.gross), 0)::numeric(12,2),
                   'refunds', coalesce(sum(h.refunds), 0)::numeric(12,2),
                   'net', (coalesce(sum(h.gross), 0) - coalesce(sum(h.refunds), 0))::numeric(12,2))
            FROM hours h),
         -- Every local hour of the day so far, quiet ones as zeros.
         (SELECT jsonb_agg(jsonb_build_object(
                   'hour_start', g.hour_start,
                   'local_hour', extract(hour FROM g.hour_start AT TIME ZONE v_venue.timezone)::int,
                   'gross', coalesce(h.gross, 0)::numeric(12,2),
                   'refunds', coalesce(h.refunds, 0)::numeric(12,2),
                   'net', (coalesce(h.gross, 0) - coalesce(h.refunds, 0))::numeric(12,2),
                   'check_ins', coalesce(h.ins, 0),
                   'check_outs', coalesce(h.outs, 0)) ORDER BY g.hour_start)
            FROM generate_series(v_lo, least(p_now, v_hi - interval '1 microsecond'), interval '1 hour')
                   AS g(hour_start)
            LEFT JOIN hours h USING (hour_start))
    INTO v_inside, v_peak, v_revenue, v_hourly;
  -- Scanners miss people: more check-outs than check-ins is nobody inside, not fewer.
  v_inside := greatest(coalesce(v_inside, 0), 0);
  v_peak := greatest(coalesce(v_peak, 0), v_inside);

  -- Tonight's bookings: arrived, expected or late.
  WITH arrived AS (
    SELECT DISTINCT x.booking_id
      FROM venue.check_ins x
     WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
       AND x.occurred_at >= v_lo AND x.occurred_at <= p_now
       AND x.direction = 'in' AND x.booking_id IS NOT NULL
  ), b AS (
    SELECT x.status, x.party_size, x.arrives_at, a.booking_id IS NOT NULL AS has_arrived
      FROM venue.bookings x
      LEFT JOIN arrived a ON a.booking_id = x.booking_id
     WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
       AND x.arrives_at >= v_lo AND x.arrives_at < v_hi
  )
  SELECT jsonb_build_object(
           'total', count(*) FILTER (WHERE status <> 'cancelled'),
           'arrived', count(*) FILTER (WHERE has_arrived AND status <> 'cancelled'),
           'expected', count(*) FILTER (WHERE status = 'confirmed' AND NOT has_arrived
                                          AND arrives_at + c_late_after >= p_now),
           'late', count(*) FILTER (WHERE status = 'confirmed' AND NOT has_arrived
                                      AND arrives_at + c_late_after < p_now),
           'pending', count(*) FILTER (WHERE status = 'pending'),
           'cancelled', count(*) FILTER (WHERE status = 'cancelled'),
           'arrived_covers', coalesce(sum(party_size) FILTER (WHERE has_arrived AND status <> 'cancelled'), 0),
           'expected_covers', coalesce(sum(party_size) FILTER (WHERE status = 'confirmed' AND NOT has_arrived
                                                                AND arrives_at + c_late_after >= p_now), 0),
           'late_covers', coalesce(sum(party_size) FILTER (WHERE status = 'confirmed' AND NOT has_arrived
                                                            AND arrives_at + c_late_after < p_now), 0),
           'late_after_minutes', extract(epoch FROM c_late_after)::int / 60)
    INTO v_bookings
    FROM b;

  -- The event: running at p_now, else the day's next to start, else its latest.
  SELECT e.event_id, e.name, e.series, e.starts_at, e.ends_at, e.status,
         coalesce(e.capacity, v_venue.capacity) AS capacity,
         CASE WHEN p_now < e.starts_at THEN 'upcoming' WHEN p_now < e.ends_at THEN 'running' ELSE 'ended' END AS phase
    INTO v_event
    FROM venue.events e
   WHERE e.organization_id = v_venue.organization_id AND e.venue_id = v_venue.venue_id
     AND e.starts_at >= v_lo - interval '1 day' AND e.starts_at < v_hi AND e.ends_at > v_lo
     AND e.status <> 'cancelled'
   ORDER BY (e.starts_at <= p_now AND p_now < e.ends_at) DESC, (e.starts_at > p_now) DESC,
            CASE WHEN e.starts_at > p_now THEN e.starts_at END, e.starts_at DESC
   LIMIT 1;
  IF FOUND THEN
    -- As internal.analyse_events counts a night: facts naming the event, or
    -- naming none within an hour either side of it.
    WITH now_ AS (
      SELECT (SELECT coalesce(sum(x.people), 0)
                FROM venue.check_ins x
               WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
                 AND x.occurred_at >= v_event.starts_at - interval '1 hour'
                 AND x.occurred_at < v_event.ends_at + interval '1 hour' AND x.occurred_at <= p_now
                 AND x.direction = 'in' AND (x.event_id = v_event.event_id OR x.event_id IS NULL)) AS attendance,
             (SELECT coalesce(sum(x.amount), 0)
                FROM venue.payments x
               WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
                 AND x.status = 'succeeded' AND x.kind <> 'refund' AND x.paid_at <= p_now
                 AND (x.event_id = v_event.event_id
                      OR (x.event_id IS NULL AND x.paid_at >= v_event.starts_at - interval '1 hour'
                          AND x.paid_at < v_event.ends_at + interval '1 hour'))) AS gross_revenue,
             (SELECT count(*)
                FROM venue.bookings x
               WHERE x.organization_id = v_venue.organization_id AND x.venue_id = v_venue.venue_id
                 AND x.status <> 'cancelled'
                 AND (x.event_id = v_event.event_id
                      OR (x.event_id IS NULL AND x.arrives_at >= v_event.starts_at - interval '1 hour'
                          AND x.arrives_at < v_event.ends_at))) AS bookings
    ), avg_ AS (
      SELECT count(*) AS occurrences, avg(a.attendance) AS attendance, avg(a.gross_revenue) AS gross_revenue,
             avg(a.peak_occupancy) AS peak_occupancy, avg(a.bookings_total) AS bookings
        FROM (SELECT a.attendance, a.gross_revenue, a.peak_occupancy, a.bookings_total
                FROM reporting.event_performance_analytics a
               WHERE a.organization_id = v_venue.organization_id AND a.venue_id = v_venue.venue_id
                 AND a.series = v_event.series AND a.starts_at < v_event.starts_at
               ORDER BY a.starts_at DESC
               LIMIT 4) a
    )
    SELECT jsonb_build_object(
             'event_id', v_event.event_id, 'name', v_event.name, 'series', v_event.series,
             'starts_at', v_event.starts_at, 'ends_at', v_event.ends_at, 'phase', v_event.phase,
             'capacity', v_event.capacity,
             'attendance', n.attendance, 'gross_revenue', n.gross_revenue::numeric(12,2), 'bookings', n.bookings,
             'series_average', CASE WHEN a.occurrences > 0 THEN jsonb_build_object(
                 'occurrences', a.occurrences,
                 'attendance', round(a.attendance, 2),
                 'gross_revenue', round(a.gross_revenue, 2),
                 'peak_occupancy', round(a.peak_occupancy, 2),
                 'bookings', round(a.bookings, 2)) END,
             'attendance_vs_average', round(n.attendance / nullif(a.attendance, 0), 4),
             'revenue_vs_average', round(n.gross_revenue / nullif(a.gross_revenue, 0), 4))
      INTO v_event_json
      FROM now_ n CROSS JOIN avg_ a;
  END IF;

  RETURN jsonb_build_object(
    'organization_id', v_venue.organization_id,
    'venue_id', v_venue.venue_id,
    'venue_name', v_venue.name,
    'timezone', v_venue.timezone,
    'currency', v_currency,
    'as_of', p_now,
    'business_date', v_date,
    'trading_day_start', v_lo,
    'trading_day_end', v_hi,
    'rollup_through', v_cutoff,
    'capacity', v_venue.capacity,
    'occupancy', jsonb_build_object(
      'people_inside', v_inside,
      'peak', v_peak,
      'rate', round(v_inside::numeric / v_venue.capacity, 4),
      'peak_rate', round(v_peak::numeric / v_venue.capacity, 4)),
    'bookings', v_bookings,
    'revenue', v_revenue,
    'hourly', coalesce(v_hourly, '[]'),
    'event', v_event_json);
END
$fn$;

COMMENT ON FUNCTION api.live_kpis(bigint, timestamptz) IS
  'Live figures of a venue''s current trading day up to p_now (default now()), as JSON: people inside, peak and occupancy rate; tonight''s bookings arrived / expected / late; gross, refunds and net revenue in total and per local hour; the current event against its series'' mean. Rolled-up hours plus the facts since. Runs as the caller, through row-level security. Raises 22004 (missing argument), P0002 (no such venue visible).';
REVOKE ALL ON FUNCTION api.live_kpis(bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.live_kpis(bigint, timestamptz) TO nightcap_admin, nightcap_manager;
