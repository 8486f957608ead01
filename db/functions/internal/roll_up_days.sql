-- internal.roll_up_days(organizations, venues, dates): build these venue-days' daily rows from the hourly ones.
CREATE OR REPLACE FUNCTION internal.roll_up_days(
  p_organization_ids uuid[],
  p_venue_ids        bigint[],
  p_dates            date[]
)
RETURNS integer
LANGUAGE plpgsql
-- As in the engine: plans for a handful of days must not pay for compiling.
SET jit = off
SET work_mem = '256MB'
-- Switched off below for a whole history; this restores it on return.
SET enable_nestloop = on
AS $fn$
DECLARE
  v_days integer;
BEGIN
  /*
   * Replaces reporting.daily_aggregations of the given venue-days (three
   * parallel arrays) with rows built from what the engine keeps per hour and
   * per venue-day, never from the facts: the sums of the day's
   * reporting.hourly_aggregations rows, the customers of
   * reporting.daily_customer_visits and the tables of
   * reporting.daily_table_use, with the venue's capacity, its active tables
   * and the customers' VIP flags as they are now. The one daily step of
   * internal.aggregate_venue_days and of api.rebuild_daily_aggregations.
   *
   * A customer is new on a venue-day when their first booking ever
   * (customer_first_arrival, at any of the organization's venues) arrives
   * within that trading day, i.e. not before the day's start; returning
   * when it arrived before. A venue-day without hourly rows gets no daily
   * row.
   * Drops cached results of the organizations' periods that cover these
   * days. Returns the daily rows written.
   */
  CREATE TEMP TABLE roll_days ON COMMIT DROP AS
  SELECT DISTINCT u.organization_id, u.venue_id, u.business_date, v.capacity,
         (u.business_date + v.trading_day_starts) AT TIME ZONE v.timezone AS day_start
    FROM unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
    JOIN venue.venues v USING (organization_id, venue_id);
  GET DIAGNOSTICS v_days = ROW_COUNT;
  ANALYZE roll_days;

  /*
   * Joined to the day list, the planner sees each venue-day matching a
   * handful of rows (it cannot tell how much of a table the days cover) and
   * plans index probes day by day, even for a whole history: twice as slow
   * as reading the tables through once. When the days are half or more of
   * those rolled up so far (a whole history, a first load), it gets hash and
   * merge joins; a few days keep their index probes.
   */
  IF v_days >= 0.5 * (SELECT c.reltuples FROM pg_class c
                        WHERE c.oid = 'reporting.daily_aggregations'::regclass) THEN
    PERFORM set_config('enable_nestloop', 'off', true);
  END IF;

  DELETE FROM reporting.daily_aggregations a
   USING roll_days d
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
           sum(h.covers) AS covers, sum(h.parties) AS parties, sum(h.party_size_sum) AS party_size_sum,
           sum(h.table_bookings) AS table_bookings,
           sum(h.birthdays) AS birthdays, sum(h.anniversaries) AS anniversaries,
           sum(h.gross_revenue) AS gross_revenue, sum(h.refunds) AS refunds, sum(h.deposits) AS deposits,
           sum(h.bar_revenue) AS bar_revenue, sum(h.table_revenue) AS table_revenue,
           sum(h.ticket_revenue) AS ticket_revenue, sum(h.payments_succeeded) AS payments_succeeded,
           sum(h.payments_failed) AS payments_failed, sum(h.check_ins) AS check_ins,
           sum(h.check_outs) AS check_outs, greatest(max(h.peak_occupancy), 0) AS peak_occupancy,
           (array_agg(h.local_hour ORDER BY h.peak_occupancy DESC, h.hour_start)
              FILTER (WHERE h.check_ins > 0 OR h.check_outs > 0))[1] AS peak_hour,
           sum(h.feedback_count) AS feedback_count, sum(h.rating_sum) AS rating_sum
      FROM reporting.hourly_aggregations h
      JOIN roll_days d USING (organization_id, venue_id, business_date)
     GROUP BY 1, 2, 3
  ), customers AS (
    SELECT c.organization_id, c.venue_id, c.business_date,
           count(*) FILTER (WHERE c.customer_first_arrival >= d.day_start) AS customers_new,
           count(*) FILTER (WHERE c.customer_first_arrival < d.day_start) AS customers_returning,
           count(vip.customer_id) AS customers_vip
      FROM reporting.daily_customer_visits c
      JOIN roll_days d USING (organization_id, venue_id, business_date)
      LEFT JOIN (SELECT organization_id, customer_id FROM venue.customers WHERE is_vip) vip
        USING (organization_id, customer_id)
     GROUP BY 1, 2, 3
  ), tables_used AS (
    SELECT t.organization_id, t.venue_id, t.business_date, count(*) AS tables_used
      FROM reporting.daily_table_use t
      JOIN roll_days d USING (organization_id, venue_id, business_date)
     GROUP BY 1, 2, 3
  ), active_tables AS (
    SELECT t.organization_id, t.venue_id, count(*) AS how_many
      FROM venue.tables t
     WHERE t.is_active AND (t.organization_id, t.venue_id) IN (SELECT organization_id, venue_id FROM roll_days)
     GROUP BY 1, 2
  )
  SELECT h.organization_id, h.venue_id, h.business_date,
         h.bookings_total, h.bookings_pending, h.bookings_confirmed, h.bookings_cancelled,
         h.bookings_no_show, h.bookings_completed, h.covers, h.parties, h.party_size_sum,
         round(h.party_size_sum::numeric / nullif(h.parties, 0), 2),
         h.birthdays, h.anniversaries,
         h.gross_revenue, h.refunds, h.gross_revenue - h.refunds, h.deposits, h.bar_revenue,
         h.table_revenue, h.ticket_revenue, h.payments_succeeded, h.payments_failed,
         coalesce(cu.customers_new, 0), coalesce(cu.customers_returning, 0), coalesce(cu.customers_vip, 0),
         h.check_ins, h.check_outs, h.peak_occupancy,
         round(h.peak_occupancy::numeric / d.capacity, 4), h.peak_hour,
         coalesce(tu.tables_used, 0),
         CASE WHEN coalesce(t.how_many, 0) > 0
              THEN round(h.table_bookings::numeric / t.how_many, 2) ELSE 0 END,
         h.feedback_count, h.rating_sum,
         CASE WHEN h.feedback_count > 0 THEN round(h.rating_sum::numeric / h.feedback_count, 2) END
    FROM hours h
    JOIN roll_days d USING (organization_id, venue_id, business_date)
    LEFT JOIN customers cu USING (organization_id, venue_id, business_date)
    LEFT JOIN tables_used tu USING (organization_id, venue_id, business_date)
    LEFT JOIN active_tables t USING (organization_id, venue_id);
  GET DIAGNOSTICS v_days = ROW_COUNT;

  -- Cached results that covered these days are stale now: a new data version
  -- makes any computed before this commit unreachable, and the delete tidies.
  INSERT INTO internal.organization_data_versions AS dv (organization_id)
  SELECT DISTINCT organization_id FROM roll_days ORDER BY 1
  ON CONFLICT (organization_id) DO UPDATE SET version = dv.version + 1, changed_at = now();
  DELETE FROM reporting.report_metrics_cache c
   USING (SELECT organization_id, min(business_date) AS first_day, max(business_date) AS last_day
            FROM roll_days GROUP BY organization_id) d
   WHERE c.organization_id = d.organization_id
     AND (c.period_start IS NULL OR (c.period_start <= d.last_day AND c.period_end >= d.first_day));

  DROP TABLE roll_days;
  RETURN v_days;
END
$fn$;

COMMENT ON FUNCTION internal.roll_up_days(uuid[], bigint[], date[]) IS
  'Rebuilds reporting.daily_aggregations of the given venue-days from reporting.hourly_aggregations, reporting.daily_customer_visits and reporting.daily_table_use (never the facts), and marks the organizations'' cached results stale. The daily step of internal.aggregate_venue_days and api.rebuild_daily_aggregations. Returns the daily rows written.';
REVOKE ALL ON FUNCTION internal.roll_up_days(uuid[], bigint[], date[]) FROM PUBLIC;
