-- internal.run_data_quality_checks(organizations, venues, dates): re-run the data-quality checks of these venue-days.
CREATE OR REPLACE FUNCTION internal.run_data_quality_checks(
  p_organization_ids uuid[],
  p_venue_ids        bigint[],
  p_dates            date[]
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_findings integer;
BEGIN
  /*
   * Replaces the reporting.data_quality_findings of the given venue-days
   * (three parallel arrays) with what the checks find now, so running it
   * twice gives the same findings. A venue-day is the span
   * [business_date + trading_day_starts, the next day's) in the venue's
   * time zone, as in internal.aggregate_venue_days. A finding belongs to the
   * venue-day of the fact it is about (a payment's paid_at, a booking's
   * arrives_at, an event's starts_at). Checks:
   *
   *   validation.payment_on_cancelled_booking (warning): a succeeded bar,
   *     table or ticket payment on a booking, taken after the booking was
   *     cancelled. Deposits and their refunds are how a cancellation is
   *     settled, and a ticket bought before a late cancellation is kept by
   *     the venue's terms, so neither is flagged.
   *   validation.check_out_without_check_in (warning): the people inside
   *     (ins minus outs by occurred_at, check_in_id, from the start of the
   *     trading day) go below zero. One finding per venue-day, naming the
   *     first scan that took the count below zero, with the lowest count.
   *   validation.booking_outside_event (info): a booking not cancelled that
   *     arrives outside [starts_at - 2 hours, ends_at] of its event, or, with
   *     no event_id, of every event of the venue that trading day. Without
   *     an event_id it is only checked when the venue has an event that day
   *     (a bar without events takes bookings at any hour); cancelled events
   *     are not events for this purpose. With an event_id the booking is
   *     always compared with its own event, whatever day that is on.
   *   validation.refund_exceeds_payment (error): a refund larger than the
   *     payment it refunds (refund_of_payment_id), whatever its status.
   *   completeness.night_without_payments / night_without_check_ins
   *     (warning): an event not cancelled, starting in the venue-day and
   *     already over (ends_at < now()), while the venue has no succeeded
   *     payment other than a refund / no check-in ('in' scan) in the day.
   *   anomaly.revenue / anomaly.bookings (warning): the day's gross_revenue
   *     / bookings_total in reporting.daily_aggregations is more than three
   *     sample standard deviations from the mean of the same weekday over
   *     the previous eight weeks. Weeks without a rollup row are absent,
   *     not zero; at least four are needed. A day without a rollup row has
   *     no value and is not judged. A flat history (stddev 0) flags any
   *     change, with z null.
   *
   * Set-based: one DELETE and one INSERT for all the venue-days, facts read
   * by index ranges on (organization, venue, time). Callers serialise runs
   * over the same venue-days (api.check_data_quality and the aggregation
   * hold the aggregation advisory lock). Returns the findings written.
   */
  IF cardinality(p_organization_ids) IS DISTINCT FROM cardinality(p_venue_ids)
     OR cardinality(p_organization_ids) IS DISTINCT FROM cardinality(p_dates) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('the venue-day arrays differ in length (%s organizations, %s venues, %s dates)',
                       cardinality(p_organization_ids), cardinality(p_venue_ids), cardinality(p_dates)),
      HINT = 'Pass one organization, venue and date per venue-day.';
  END IF;

  DELETE FROM reporting.data_quality_findings f
   USING unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
   WHERE f.organization_id = u.organization_id AND f.venue_id = u.venue_id
     AND f.business_date = u.business_date;

  INSERT INTO reporting.data_quality_findings (
    organization_id, venue_id, business_date, check_code, severity, subject, details)
  WITH days AS MATERIALIZED (
    SELECT DISTINCT u.organization_id, u.venue_id, u.business_date,
           (u.business_date + v.trading_day_starts) AT TIME ZONE v.timezone AS day_start,
           (u.business_date + 1 + v.trading_day_starts) AT TIME ZONE v.timezone AS day_end
      FROM unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
      JOIN venue.venues v USING (organization_id, venue_id)
  ), day_events AS MATERIALIZED (
    -- Events whose trading day is the venue-day.
    SELECT d.organization_id, d.venue_id, d.business_date, d.day_start, d.day_end,
           e.event_id, e.name, e.status, e.starts_at, e.ends_at
      FROM days d
      JOIN venue.events e
        ON e.organization_id = d.organization_id AND e.venue_id = d.venue_id
       AND e.starts_at >= d.day_start AND e.starts_at < d.day_end
  ), payments_on_cancelled AS (
    SELECT d.organization_id, d.venue_id, d.business_date,
           'validation.payment_on_cancelled_booking' AS check_code, 'warning' AS severity,
           'payment ' || p.payment_id AS subject,
           jsonb_build_object('payment_id', p.payment_id, 'booking_id', b.booking_id, 'kind', p.kind,
                              'amount', p.amount, 'paid_at', p.paid_at,
                              'cancelled_at', b.cancelled_at) AS details
      FROM days d
      JOIN venue.payments p
        ON p.organization_id = d.organization_id AND p.venue_id = d.venue_id
       AND p.paid_at >= d.day_start AND p.paid_at < d.day_end
      JOIN venue.bookings b
        ON b.organization_id = p.organization_id AND b.booking_id = p.booking_id
     WHERE p.status = 'succeeded' AND p.kind IN ('bar', 'table', 'ticket') AND b.status = 'cancelled'
       AND p.paid_at > b.cancelled_at
  ), scans AS (
    SELECT d.organization_id, d.venue_id, d.business_date, c.check_in_id, c.occurred_at,
           sum(CASE c.direction WHEN 'in' THEN c.people ELSE -c.people END)
             OVER (PARTITION BY d.organization_id, d.venue_id, d.business_date
                   ORDER BY c.occurred_at, c.check_in_id) AS inside
      FROM days d
      JOIN venue.check_ins c
        ON c.organization_id = d.organization_id AND c.venue_id = d.venue_id
       AND c.occurred_at >= d.day_start AND c.occurred_at < d.day_end
  ), below_zero AS (
    SELECT organization_id, venue_id, business_date,
           'validation.check_out_without_check_in' AS check_code, 'warning' AS severity,
           'check_in ' || (array_agg(check_in_id ORDER BY occurred_at, check_in_id)
                             FILTER (WHERE inside < 0))[1] AS subject,
           jsonb_build_object('lowest', min(inside),
                              'first_below_zero_at', min(occurred_at) FILTER (WHERE inside < 0),
                              'scans_below_zero', count(*) FILTER (WHERE inside < 0)) AS details
      FROM scans
     GROUP BY organization_id, venue_id, business_date
    HAVING min(inside) < 0
  ), bookings_outside AS (
    -- With an event_id: compared with that event.
    SELECT d.organization_id, d.venue_id, d.business_date,
           'validation.booking_outside_event' AS check_code, 'info' AS severity,
           'booking ' || b.booking_id AS subject,
           jsonb_build_object('booking_id', b.booking_id, 'arrives_at', b.arrives_at,
                              'event_id', e.event_id, 'event_starts_at', e.starts_at,
                              'event_ends_at', e.ends_at) AS details
      FROM days d
      JOIN venue.bookings b
        ON b.organization_id = d.organization_id AND b.venue_id = d.venue_id
       AND b.arrives_at >= d.day_start AND b.arrives_at < d.day_end
      JOIN venue.events e
        ON e.organization_id = b.organization_id AND e.event_id = b.event_id
     WHERE b.status <> 'cancelled'
       AND NOT (b.arrives_at BETWEEN e.starts_at - interval '2 hours' AND e.ends_at)
    UNION ALL
    -- Without: compared with each of the day's events not cancelled (one
    -- row per booking and event; days without such events give no rows).
    -- Driven from the events so the bookings are read by their day's range.
    SELECT de.organization_id, de.venue_id, de.business_date,
           'validation.booking_outside_event', 'info',
           'booking ' || b.booking_id,
           jsonb_build_object('booking_id', b.booking_id, 'arrives_at', b.arrives_at,
                              'events_that_day', count(*))
      FROM day_events de
      JOIN venue.bookings b
        ON b.organization_id = de.organization_id AND b.venue_id = de.venue_id
       AND b.arrives_at >= de.day_start AND b.arrives_at < de.day_end
     WHERE de.status <> 'cancelled' AND b.status <> 'cancelled' AND b.event_id IS NULL
     GROUP BY de.organization_id, de.venue_id, de.business_date, b.booking_id, b.arrives_at
    HAVING NOT bool_or(b.arrives_at BETWEEN de.starts_at - interval '2 hours' AND de.ends_at)
  ), refunds_too_large AS (
    SELECT d.organization_id, d.venue_id, d.business_date,
           'validation.refund_exceeds_payment' AS check_code, 'error' AS severity,
           'payment ' || r.payment_id AS subject,
           jsonb_build_object('payment_id', r.payment_id, 'refund_of_payment_id', o.payment_id,
                              'refund_amount', r.amount, 'payment_amount', o.amount,
                              'excess', r.amount - o.amount, 'status', r.status) AS details
      FROM days d
      JOIN venue.payments r
        ON r.organization_id = d.organization_id AND r.venue_id = d.venue_id
       AND r.paid_at >= d.day_start AND r.paid_at < d.day_end
      JOIN venue.payments o
        ON o.organization_id = r.organization_id AND o.payment_id = r.refund_of_payment_id
     WHERE r.kind = 'refund' AND r.amount > o.amount
  ), nights AS (
    SELECT de.organization_id, de.venue_id, de.business_date, de.event_id, de.name, de.starts_at, de.ends_at,
           EXISTS (SELECT 1 FROM venue.payments p
                    WHERE p.organization_id = de.organization_id AND p.venue_id = de.venue_id
                      AND p.paid_at >= de.day_start AND p.paid_at < de.day_end
                      AND p.status = 'succeeded' AND p.kind <> 'refund') AS has_payments,
           EXISTS (SELECT 1 FROM venue.check_ins c
                    WHERE c.organization_id = de.organization_id AND c.venue_id = de.venue_id
                      AND c.occurred_at >= de.day_start AND c.occurred_at < de.day_end
                      AND c.direction = 'in') AS has_check_ins
      FROM day_events de
     WHERE de.status <> 'cancelled' AND de.ends_at < now()
  ), empty_nights AS (
    SELECT n.organization_id, n.venue_id, n.business_date, x.check_code, 'warning' AS severity,
           'event ' || n.event_id AS subject,
           jsonb_build_object('event_id', n.event_id, 'name', n.name,
                              'starts_at', n.starts_at, 'ends_at', n.ends_at) AS details
      FROM nights n
     CROSS JOIN LATERAL (VALUES ('completeness.night_without_payments', n.has_payments),
                                ('completeness.night_without_check_ins', n.has_check_ins)) AS x(check_code, present)
     WHERE NOT x.present
  ), history AS (
    -- The same weekday in each of the previous eight weeks that has a rollup row.
    SELECT d.organization_id, d.venue_id, d.business_date, count(*) AS weeks,
           avg(a.gross_revenue) AS revenue_mean, stddev_samp(a.gross_revenue) AS revenue_stddev,
           avg(a.bookings_total) AS bookings_mean, stddev_samp(a.bookings_total) AS bookings_stddev
      FROM days d
     CROSS JOIN generate_series(1, 8) AS w(weeks_back)
      JOIN reporting.daily_aggregations a
        ON a.organization_id = d.organization_id AND a.venue_id = d.venue_id
       AND a.business_date = d.business_date - 7 * w.weeks_back
     GROUP BY d.organization_id, d.venue_id, d.business_date
    HAVING count(*) >= 4
  ), anomalies AS (
    SELECT h.organization_id, h.venue_id, h.business_date, x.check_code, 'warning' AS severity,
           x.metric || ' on ' || h.business_date AS subject,
           jsonb_build_object('value', x.value, 'mean', round(x.mean, 2), 'stddev', round(x.stddev, 2),
                              'z', round((x.value - x.mean) / nullif(x.stddev, 0), 2),
                              'weeks', h.weeks) AS details
      FROM history h
      JOIN reporting.daily_aggregations a USING (organization_id, venue_id, business_date)
     CROSS JOIN LATERAL (VALUES
             ('anomaly.revenue', 'gross_revenue', a.gross_revenue::numeric, h.revenue_mean, h.revenue_stddev),
             ('anomaly.bookings', 'bookings_total', a.bookings_total::numeric, h.bookings_mean, h.bookings_stddev)
           ) AS x(check_code, metric, value, mean, stddev)
     WHERE abs(x.value - x.mean) > 3 * x.stddev
  )
  SELECT * FROM payments_on_cancelled
  UNION ALL SELECT * FROM below_zero
  UNION ALL SELECT * FROM bookings_outside
  UNION ALL SELECT * FROM refunds_too_large
  UNION ALL SELECT * FROM empty_nights
  UNION ALL SELECT * FROM anomalies;
  GET DIAGNOSTICS v_findings = ROW_COUNT;

  RETURN v_findings;
END
$fn$;

COMMENT ON FUNCTION internal.run_data_quality_checks(uuid[], bigint[], date[]) IS
  'Replaces the data-quality findings of the given venue-days (parallel arrays) with fresh ones: validation (payments on cancelled bookings, check-outs without check-ins, bookings outside events, refunds over their payment), completeness (past events without payments or check-ins) and anomaly (revenue or bookings more than 3 standard deviations from the same weekday of the previous 8 weeks). Idempotent; returns the findings written.';
REVOKE ALL ON FUNCTION internal.run_data_quality_checks(uuid[], bigint[], date[]) FROM PUBLIC;
