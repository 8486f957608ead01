-- reporting.weekly_summary_view: each venue's ISO weeks with week-over-week change.
DROP MATERIALIZED VIEW IF EXISTS reporting.weekly_summary_view;
CREATE MATERIALIZED VIEW reporting.weekly_summary_view AS
WITH w AS (
  SELECT organization_id, venue_id, date_trunc('week', business_date)::date AS week_start,
         count(*) FILTER (WHERE check_ins > 0 OR bookings_total > 0) AS trading_days,
         sum(gross_revenue) AS gross_revenue, sum(refunds) AS refunds, sum(net_revenue) AS net_revenue,
         sum(deposits) AS deposits, sum(bar_revenue) AS bar_revenue, sum(table_revenue) AS table_revenue,
         sum(ticket_revenue) AS ticket_revenue,
         sum(bookings_total) AS bookings_total, sum(bookings_completed) AS bookings_completed,
         sum(bookings_cancelled) AS bookings_cancelled, sum(bookings_no_show) AS bookings_no_show,
         sum(covers) AS covers, sum(check_ins) AS check_ins, max(peak_occupancy) AS peak_occupancy,
         round(avg(occupancy_rate) FILTER (WHERE check_ins > 0), 4) AS average_occupancy_rate,
         sum(customers_new) AS customers_new, sum(customers_returning) AS customers_returning,
         sum(feedback_count) AS feedback_count, sum(rating_sum) AS rating_sum
    FROM reporting.daily_aggregations
   GROUP BY 1, 2, 3
)
SELECT w.*,
       p.gross_revenue AS previous_gross_revenue,
       p.net_revenue AS previous_net_revenue,
       p.bookings_total AS previous_bookings_total,
       p.check_ins AS previous_check_ins,
       round((w.gross_revenue - p.gross_revenue) / nullif(p.gross_revenue, 0), 4) AS gross_revenue_change,
       round((w.net_revenue - p.net_revenue) / nullif(p.net_revenue, 0), 4) AS net_revenue_change,
       round((w.bookings_total - p.bookings_total)::numeric / nullif(p.bookings_total, 0), 4) AS bookings_change,
       round((w.check_ins - p.check_ins)::numeric / nullif(p.check_ins, 0), 4) AS check_ins_change
  FROM w
  LEFT JOIN w p
    ON p.organization_id = w.organization_id AND p.venue_id = w.venue_id
   AND p.week_start = w.week_start - 7;

CREATE UNIQUE INDEX weekly_summary_view_key ON reporting.weekly_summary_view (organization_id, venue_id, week_start);
COMMENT ON MATERIALIZED VIEW reporting.weekly_summary_view IS
  'Each venue''s weeks (Monday to Sunday trading days) summed from the daily rollup, with the previous week''s figures and the change as a fraction (0.10 = +10%; NULL without a previous week). Refreshed concurrently by api.refresh_summary_views().';
