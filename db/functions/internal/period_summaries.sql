-- internal.period_summaries(unit): each venue's weeks or months, with the change from the period before.
CREATE OR REPLACE FUNCTION internal.period_summaries(p_unit text)
RETURNS TABLE (
  organization_id uuid, venue_id bigint, period_start date, trading_days bigint,
  gross_revenue numeric, refunds numeric, net_revenue numeric, deposits numeric,
  bar_revenue numeric, table_revenue numeric, ticket_revenue numeric,
  bookings_total bigint, bookings_completed bigint, bookings_cancelled bigint, bookings_no_show bigint,
  covers bigint, check_ins bigint, peak_occupancy integer, average_occupancy_rate numeric,
  customers_new bigint, customers_returning bigint, feedback_count bigint, rating_sum bigint,
  previous_gross_revenue numeric, previous_net_revenue numeric, previous_bookings_total bigint,
  previous_check_ins bigint, gross_revenue_change numeric, net_revenue_change numeric,
  bookings_change numeric, check_ins_change numeric)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * The body of reporting.weekly_summary_view ('week': ISO weeks from Monday)
   * and reporting.monthly_summary_view ('month'): the daily rollup summed per
   * venue and period, beside the previous period's figures and the change as
   * a fraction (0.10 = +10%; NULL without a previous period). A trading day
   * is one with check-ins or bookings.
   */
  WITH p AS (
    SELECT a.organization_id, a.venue_id, date_trunc(p_unit, a.business_date)::date AS period_start,
           count(*) FILTER (WHERE a.check_ins > 0 OR a.bookings_total > 0) AS trading_days,
           sum(a.gross_revenue) AS gross_revenue, sum(a.refunds) AS refunds,
           sum(a.net_revenue) AS net_revenue, sum(a.deposits) AS deposits,
           sum(a.bar_revenue) AS bar_revenue, sum(a.table_revenue) AS table_revenue,
           sum(a.ticket_revenue) AS ticket_revenue,
           sum(a.bookings_total) AS bookings_total, sum(a.bookings_completed) AS bookings_completed,
           sum(a.bookings_cancelled) AS bookings_cancelled, sum(a.bookings_no_show) AS bookings_no_show,
           sum(a.covers) AS covers, sum(a.check_ins) AS check_ins, max(a.peak_occupancy) AS peak_occupancy,
           round(avg(a.occupancy_rate) FILTER (WHERE a.check_ins > 0), 4) AS average_occupancy_rate,
           sum(a.customers_new) AS customers_new, sum(a.customers_returning) AS customers_returning,
           sum(a.feedback_count) AS feedback_count, sum(a.rating_sum) AS rating_sum
      FROM reporting.daily_aggregations a
     GROUP BY 1, 2, 3
  )
  SELECT c.*,
         b.gross_revenue, b.net_revenue, b.bookings_total, b.check_ins,
         round((c.gross_revenue - b.gross_revenue) / nullif(b.gross_revenue, 0), 4),
         round((c.net_revenue - b.net_revenue) / nullif(b.net_revenue, 0), 4),
         round((c.bookings_total - b.bookings_total)::numeric / nullif(b.bookings_total, 0), 4),
         round((c.check_ins - b.check_ins)::numeric / nullif(b.check_ins, 0), 4)
    FROM p c
    LEFT JOIN p b
      ON b.organization_id = c.organization_id AND b.venue_id = c.venue_id
     AND b.period_start = (c.period_start - ('1 ' || p_unit)::interval)::date
$fn$;

COMMENT ON FUNCTION internal.period_summaries(text) IS
  'Per venue and week or month (p_unit ''week'' or ''month''): the daily rollup summed, with the previous period and the change. Body of the weekly and monthly summary views.';
REVOKE ALL ON FUNCTION internal.period_summaries(text) FROM PUBLIC;
