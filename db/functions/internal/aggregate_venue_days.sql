-- internal.aggregate_venue_days(organizations, venues, dates): rebuild the rollups of these venue-days.
CREATE OR REPLACE FUNCTION internal.aggregate_venue_days(
  p_organization_ids uuid[],
  p_venue_ids        bigint[],
  p_dates            date[]
)
RETURNS integer
LANGUAGE plpgsql
-- Row estimates for a handful of venue-days come out in the millions, and JIT
-- then compiled each statement for about a second: it costs more than it saves.
SET jit = off
AS $fn$
DECLARE
  v_days integer;
BEGIN
  /*
   * Recomputes reporting.hourly_aggregations and reporting.daily_aggregations
   * of the given venue-days (three parallel arrays) from the facts, replacing
   * what was there: running it twice gives the same rows. Then the event
   * analytics and data-quality checks of those days, and drops cached
   * results that covered them. Each venue-day is
   * the span [business_date + trading_day_starts, the next day's) in the
   * venue's time zone: 23 hours in spring, 25 in autumn. Facts are read by
   * index ranges on (organization, venue, time), so one venue-day costs a
   * few milliseconds however large the tables are. Returns the venue-days
   * processed.
   */
  CREATE TEMP TABLE agg_days ON COMMIT DROP AS
  SELECT DISTINCT u.organization_id, u.venue_id, u.business_date, v.timezone, v.capacity,
         (u.business_date + v.trading_day_starts) AT TIME ZONE v.timezone AS day_start,
         (u.business_date + 1 + v.trading_day_starts) AT TIME ZONE v.timezone AS day_end
    FROM unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
    JOIN venue.venues v USING (organization_id, venue_id);
  GET DIAGNOSTICS v_days = ROW_COUNT;
  ANALYZE agg_days;

  DELETE FROM reporting.hourly_aggregations h
   USING agg_days d
   WHERE h.organization_id = d.organization_id AND h.venue_id = d.venue_id
     AND h.business_date = d.business_date;

  INSERT INTO reporting.hourly_aggregations (
    organization_id, venue_id, hour_start, business_date, local_hour,
    bookings_total, bookings_pending, bookings_confirmed, bookings_cancelled, bookings_no_show,
    bookings_completed, covers, birthdays, anniversaries,
    gross_revenue, refunds, net_revenue, deposits, bar_revenue, table_revenue, ticket_revenue,
    payments_succeeded, payments_failed,
    check_ins, check_outs, occupancy_end, peak_occupancy, feedback_count, rating_sum)
  WITH b AS (
    SELECT d.organization_id, d.venue_id, d.business_date, internal.hour_bucket(x.arrives_at, d.timezone) AS hour_start,
           count(*) AS total,
           count(*) FILTER (WHERE x.status = 'pending') AS pending,
           count(*) FILTER (WHERE x.status = 'confirmed') AS confirmed,
           count(*) FILTER (WHERE x.status = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE x.status = 'no_show') AS no_show,
           count(*) FILTER (WHERE x.status = 'completed') AS completed,
           coalesce(sum(x.party_size) FILTER (WHERE x.status IN ('confirmed', 'completed')), 0) AS covers,
           count(*) FILTER (WHERE x.occasion = 'birthday' AND x.status <> 'cancelled') AS birthdays,
           count(*) FILTER (WHERE x.occasion = 'anniversary' AND x.status <> 'cancelled') AS anniversaries
      FROM agg_days d
      JOIN venue.bookings x
        ON x.organization_id = d.organization_id AND x.venue_id = d.venue_id
       AND x.arrives_at >= d.day_start AND x.arrives_at < d.day_end
     GROUP BY 1, 2, 3, 4
  ), p AS (
    SELECT d.organization_id, d.venue_id, d.business_date, internal.hour_bucket(x.paid_at, d.timezone) AS hour_start,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind <> 'refund'), 0) AS gross,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'refund'), 0) AS refunds,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'deposit'), 0) AS deposits,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'bar'), 0) AS bar,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'table'), 0) AS tables,
           coalesce(sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'ticket'), 0) AS tickets,
           count(*) FILTER (WHERE x.status = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE x.status = 'failed') AS failed
      FROM agg_days d
      JOIN venue.payments x
        ON x.organization_id = d.organization_id AND x.venue_id = d.venue_id
       AND x.paid_at >= d.day_start AND x.paid_at < d.day_end
     GROUP BY 1, 2, 3, 4
  ), scans AS (
    SELECT d.organization_id, d.venue_id, d.business_date, internal.hour_bucket(x.occurred_at, d.timezone) AS hour_start,
           x.direction, x.people,
           sum(CASE x.direction WHEN 'in' THEN x.people ELSE -x.people END)
             OVER (PARTITION BY d.organization_id, d.venue_id, d.business_date
                   ORDER BY x.occurred_at, x.check_in_id) AS inside
      FROM agg_days d
      JOIN venue.check_ins x
        ON x.organization_id = d.organization_id AND x.venue_id = d.venue_id
       AND x.occurred_at >= d.day_start AND x.occurred_at < d.day_end
  ), c AS (
    SELECT organization_id, venue_id, business_date, hour_start,
           coalesce(sum(people) FILTER (WHERE direction = 'in'), 0) AS ins,
           coalesce(sum(people) FILTER (WHERE direction = 'out'), 0) AS outs,
           max(inside) AS peak_in_hour
      FROM scans
     GROUP BY 1, 2, 3, 4
  ), f AS (
    SELECT d.organization_id, d.venue_id, d.business_date, internal.hour_bucket(x.submitted_at, d.timezone) AS hour_start,
           count(*) AS feedback, sum(x.rating) AS rating_sum
      FROM agg_days d
      JOIN venue.feedback x
        ON x.organization_id = d.organization_id AND x.venue_id = d.venue_id
       AND x.submitted_at >= d.day_start AND x.submitted_at < d.day_end
     GROUP BY 1, 2, 3, 4
  ), hours AS (
    SELECT organization_id, venue_id, business_date, hour_start FROM b
    UNION SELECT organization_id, venue_id, business_date, hour_start FROM p
    UNION SELECT organization_id, venue_id, business_date, hour_start FROM c
    UNION SELECT organization_id, venue_id, business_date, hour_start FROM f
  ), joined AS (
    SELECT h.*, d.timezone, b.total, b.pending, b.confirmed, b.cancelled, b.no_show, b.completed,
           b.covers, b.birthdays, b.anniversaries,
           p.gross, p.refunds, p.deposits, p.bar, p.tables, p.tickets, p.succeeded, p.failed,
           c.ins, c.outs, c.peak_in_hour, f.feedback, f.rating_sum,
           sum(coalesce(c.ins, 0) - coalesce(c.outs, 0))
             OVER (PARTITION BY h.organization_id, h.venue_id, h.business_date ORDER BY h.hour_start) AS inside_at_end
      FROM hours h
      JOIN agg_days d USING (organization_id, venue_id, business_date)
      LEFT JOIN b USING (organization_id, venue_id, business_date, hour_start)
      LEFT JOIN p USING (organization_id, venue_id, business_date, hour_start)
      LEFT JOIN c USING (organization_id, venue_id, business_date, hour_start)
      LEFT JOIN f USING (organization_id, venue_id, business_date, hour_start)
  )
  SELECT organization_id, venue_id, hour_start, business_date,
         extract(hour FROM hour_start AT TIME ZONE timezone)::smallint,
         coalesce(total, 0), coalesce(pending, 0), coalesce(confirmed, 0), coalesce(cancelled, 0),
         coalesce(no_show, 0), coalesce(completed, 0), coalesce(covers, 0),
         coalesce(birthdays, 0), coalesce(anniversaries, 0),
         coalesce(gross, 0), coalesce(refunds, 0), coalesce(gross, 0) - coalesce(refunds, 0),
         coalesce(deposits, 0), coalesce(bar, 0), coalesce(tables, 0), coalesce(tickets, 0),
         coalesce(succeeded, 0), coalesce(failed, 0),
         coalesce(ins, 0), coalesce(outs, 0), inside_at_end,
         coalesce(peak_in_hour, inside_at_end),
         coalesce(feedback, 0), coalesce(rating_sum, 0)
    FROM joined;

  -- The day: sums of its hours, plus what does not add up hour by hour.
  DELETE FROM reporting.daily_aggregations a
   USING agg_days d
   WHERE a.organization_id = d.organization_id AND a.venue_id = d.venue_id
     AND a.business_date = d.business_date;

  INSERT INTO reporting.daily_aggregations (
    organization_id, venue_id, business_date,
    bookings_total, bookings_pending, bookings_confirmed, bookings_cancelled, bookings_no_show,
    bookings_completed, covers, parties, party_size_sum, average_party_size, birthdays, anniversaries,
    gross_revenue, refunds, net_revenue, deposits, bar_revenue, table_revenue, ticket_revenue,
    payments_succeeded, payments_failed, customers_new, customers_returning, customers_vip,
    check_ins, check_outs, peak_occupancy, occupancy_rate, peak_hour, tables_used, table_turnover,
    feedback_count, rating_sum, average_rating)
  WITH hours AS (
    SELECT h.organization_id, h.venue_id, h.business_date,
           sum(h.bookings_total) AS bookings_total, sum(h.bookings_pending) AS bookings_pending,
           sum(h.bookings_confirmed) AS bookings_confirmed, sum(h.bookings_cancelled) AS bookings_cancelled,
           sum(h.bookings_no_show) AS bookings_no_show, sum(h.bookings_completed) AS bookings_completed,
           sum(h.covers) AS covers, sum(h.birthdays) AS birthdays, sum(h.anniversaries) AS anniversaries,
           sum(h.gross_revenue) AS gross_revenue, sum(h.refunds) AS refunds, sum(h.deposits) AS deposits,
           sum(h.bar_revenue) AS bar_revenue, sum(h.table_revenue) AS table_revenue,
           sum(h.ticket_revenue) AS ticket_revenue, sum(h.payments_succeeded) AS payments_succeeded,
           sum(h.payments_failed) AS payments_failed, sum(h.check_ins) AS check_ins,
           sum(h.check_outs) AS check_outs, greatest(max(h.peak_occupancy), 0) AS peak_occupancy,
           (array_agg(h.local_hour ORDER BY h.peak_occupancy DESC, h.hour_start)
              FILTER (WHERE h.check_ins > 0 OR h.check_outs > 0))[1] AS peak_hour,
           sum(h.feedback_count) AS feedback_count, sum(h.rating_sum) AS rating_sum
      FROM reporting.hourly_aggregations h
      JOIN agg_days d USING (organization_id, venue_id, business_date)
     GROUP BY 1, 2, 3
  ), bk AS (
    SELECT d.organization_id, d.venue_id, d.business_date,
           count(*) FILTER (WHERE x.status <> 'cancelled') AS parties,
           coalesce(sum(x.party_size) FILTER (WHERE x.status <> 'cancelled'), 0) AS party_size_sum,
           count(DISTINCT x.table_id) FILTER (WHERE x.status <> 'cancelled') AS tables_used,
           count(x.table_id) FILTER (WHERE x.status <> 'cancelled') AS table_bookings,
           count(DISTINCT x.customer_id) FILTER (
             WHERE x.status <> 'cancelled' AND NOT EXISTS (
               SELECT 1 FROM venue.bookings e
                WHERE e.organization_id = x.organization_id AND e.customer_id = x.customer_id
                  AND e.status <> 'cancelled' AND e.arrives_at < d.day_start)) AS customers_new,
           count(DISTINCT x.customer_id) FILTER (
             WHERE x.status <> 'cancelled' AND EXISTS (
               SELECT 1 FROM venue.bookings e
                WHERE e.organization_id = x.organization_id AND e.customer_id = x.customer_id
                  AND e.status <> 'cancelled' AND e.arrives_at < d.day_start)) AS customers_returning,
           count(DISTINCT x.customer_id) FILTER (WHERE x.status <> 'cancelled' AND cu.is_vip) AS customers_vip
      FROM agg_days d
      JOIN venue.bookings x
        ON x.organization_id = d.organization_id AND x.venue_id = d.venue_id
       AND x.arrives_at >= d.day_start AND x.arrives_at < d.day_end
      LEFT JOIN venue.customers cu
        ON cu.organization_id = x.organization_id AND cu.customer_id = x.customer_id
     GROUP BY 1, 2, 3
  ), active_tables AS (
    SELECT t.organization_id, t.venue_id, count(*) AS how_many
      FROM venue.tables t
     WHERE t.is_active AND (t.organization_id, t.venue_id) IN (SELECT organization_id, venue_id FROM agg_days)
     GROUP BY 1, 2
  )
  SELECT h.organization_id, h.venue_id, h.business_date,
         h.bookings_total, h.bookings_pending, h.bookings_confirmed, h.bookings_cancelled,
         h.bookings_no_show, h.bookings_completed, h.covers,
         coalesce(bk.parties, 0), coalesce(bk.party_size_sum, 0),
         round(bk.party_size_sum::numeric / nullif(bk.parties, 0), 2),
         h.birthdays, h.anniversaries,
         h.gross_revenue, h.refunds, h.gross_revenue - h.refunds, h.deposits, h.bar_revenue,
         h.table_revenue, h.ticket_revenue, h.payments_succeeded, h.payments_failed,
         coalesce(bk.customers_new, 0), coalesce(bk.customers_returning, 0), coalesce(bk.customers_vip, 0),
         h.check_ins, h.check_outs, h.peak_occupancy,
         round(h.peak_occupancy::numeric / d.capacity, 4), h.peak_hour,
         coalesce(bk.tables_used, 0),
         CASE WHEN coalesce(t.how_many, 0) > 0
              THEN round(coalesce(bk.table_bookings, 0)::numeric / t.how_many, 2) ELSE 0 END,
         h.feedback_count, h.rating_sum,
         CASE WHEN h.feedback_count > 0 THEN round(h.rating_sum::numeric / h.feedback_count, 2) END
    FROM hours h
    JOIN agg_days d USING (organization_id, venue_id, business_date)
    LEFT JOIN bk USING (organization_id, venue_id, business_date)
    LEFT JOIN active_tables t USING (organization_id, venue_id);

  PERFORM internal.analyse_events(p_organization_ids, p_venue_ids, p_dates);
  PERFORM internal.run_data_quality_checks(p_organization_ids, p_venue_ids, p_dates);

  -- Cached results that covered these days are stale now: a new data version
  -- makes any computed before this commit unreachable, and the delete tidies.
  INSERT INTO internal.organization_data_versions AS dv (organization_id)
  SELECT DISTINCT organization_id FROM agg_days ORDER BY 1
  ON CONFLICT (organization_id) DO UPDATE SET version = dv.version + 1, changed_at = now();
  DELETE FROM reporting.report_metrics_cache c
   USING (SELECT organization_id, min(business_date) AS first_day, max(business_date) AS last_day
            FROM agg_days GROUP BY organization_id) d
   WHERE c.organization_id = d.organization_id
     AND (c.period_start IS NULL OR (c.period_start <= d.last_day AND c.period_end >= d.first_day));

  DROP TABLE agg_days;
  RETURN v_days;
END
$fn$;

COMMENT ON FUNCTION internal.aggregate_venue_days(uuid[], bigint[], date[]) IS
  'Rebuilds the hourly and daily rollups of the given venue-days from the facts (idempotent). The engine under api.process_hourly_aggregations, api.process_daily_aggregations and api.rebuild_aggregations.';
REVOKE ALL ON FUNCTION internal.aggregate_venue_days(uuid[], bigint[], date[]) FROM PUBLIC;
