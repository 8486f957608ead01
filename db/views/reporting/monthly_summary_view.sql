-- reporting.monthly_summary_view: each venue's months with month-over-month change.
DROP MATERIALIZED VIEW IF EXISTS reporting.monthly_summary_view;
CREATE MATERIALIZED VIEW reporting.monthly_summary_view AS
WITH m AS (
  SELECT organization_id, venue_id, date_trunc('month', business_date)::date AS month_start,
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
SELECT m.*,
       p.gross_revenue AS previous_gross_revenue,
       p.net_revenue AS previous_net_revenue,
       p.bookings_total AS previous_bookings_total,
       p.check_ins AS previous_check_ins,
       round((m.gross_revenue - p.gross_revenue) / nullif(p.gross_revenue, 0), 4) AS gross_revenue_change,
       round((m.net_revenue - p.net_revenue) / nullif(p.net_revenue, 0), 4) AS net_revenue_change,
       round((m.bookings_total - p.bookings_total)::numeric / nullif(p.bookings_total, 0), 4) AS bookings_change,
       round((m.check_ins - p.check_ins)::numeric / nullif(p.check_ins, 0), 4) AS check_ins_change
  FROM m
  LEFT JOIN m p
    ON p.organization_id = m.organization_id AND p.venue_id = m.venue_id
   AND p.month_start = (m.month_start - interval '1 month')::date;

CREATE UNIQUE INDEX monthly_summary_view_key ON reporting.monthly_summary_view (organization_id, venue_id, month_start);
COMMENT ON MATERIALIZED VIEW reporting.monthly_summary_view IS
  'Each venue''s calendar months of trading days summed from the daily rollup, with the previous month''s figures and the change as a fraction. Refreshed concurrently by api.refresh_summary_views().';
