-- internal.kpi_values(code, organization, venue, from, to): a KPI for a period and for each of its days.
CREATE OR REPLACE FUNCTION internal.kpi_values(
  p_code            text,
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date
)
RETURNS TABLE (business_date date, value numeric)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * Computes a catalog KPI from reporting.daily_aggregations over
   * [p_from, p_to], for one venue, one organization's venues, or (both NULL)
   * every venue the caller can see. Returns one row per day with activity
   * and one row with business_date NULL for the whole period: the same
   * formula applied to the period's sums, not an average of daily values.
   * A trading day is one with check-ins, bookings or revenue (a day of
   * advance ticket sales counts; a day with only a refund does not).
   */
  WITH d AS (
    SELECT a.*, (a.check_ins > 0 OR a.bookings_total > 0 OR a.gross_revenue > 0) AS is_trading
      FROM reporting.daily_aggregations a
     WHERE a.business_date BETWEEN p_from AND p_to
       AND (p_organization_id IS NULL OR a.organization_id = p_organization_id)
       AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
  ), g AS (
    SELECT d.business_date,
           sum(d.gross_revenue) AS gross, sum(d.net_revenue) AS net,
           count(DISTINCT d.business_date) FILTER (WHERE d.is_trading) AS trading_days,
           sum(d.check_ins) AS guests,
           sum(d.bookings_total) AS total, sum(d.bookings_completed) AS completed,
           sum(d.bookings_cancelled) AS cancelled, sum(d.bookings_pending) AS pending,
           sum(d.bookings_no_show) AS no_show,
           sum(d.parties) AS parties, sum(d.party_size_sum) AS party_size_sum,
           avg(d.occupancy_rate) FILTER (WHERE d.check_ins > 0) AS occupancy,
           avg(d.table_turnover) FILTER (WHERE d.bookings_total > 0) AS turnover,
           sum(d.customers_new) AS new_customers, sum(d.customers_returning) AS returning_customers,
           sum(d.customers_vip) AS vip_customers,
           sum(d.rating_sum) AS rating_sum, sum(d.feedback_count) AS feedback
      FROM d
     GROUP BY GROUPING SETS ((d.business_date), ())
  )
  SELECT g.business_date,
         CASE p_code
           WHEN 'daily_revenue' THEN round(g.gross / nullif(g.trading_days, 0), 2)
           WHEN 'net_revenue' THEN round(g.net / nullif(g.trading_days, 0), 2)
           WHEN 'average_spend_per_head' THEN round(g.gross / nullif(g.guests, 0), 2)
           WHEN 'booking_conversion_rate' THEN round(g.completed::numeric / nullif(g.total, 0), 4)
           WHEN 'cancellation_rate' THEN round(g.cancelled::numeric / nullif(g.total, 0), 4)
           WHEN 'no_show_rate' THEN round(g.no_show::numeric / nullif(g.total - g.cancelled - g.pending, 0), 4)
           WHEN 'average_party_size' THEN round(g.party_size_sum::numeric / nullif(g.parties, 0), 2)
           WHEN 'occupancy_rate' THEN round(g.occupancy, 4)
           WHEN 'table_turnover' THEN round(g.turnover, 2)
           WHEN 'new_customer_share' THEN round(g.new_customers::numeric / nullif(g.new_customers + g.returning_customers, 0), 4)
           WHEN 'vip_share' THEN round(g.vip_customers::numeric / nullif(g.new_customers + g.returning_customers, 0), 4)
           WHEN 'average_rating' THEN round(g.rating_sum::numeric / nullif(g.feedback, 0), 2)
         END
    FROM g
$fn$;

COMMENT ON FUNCTION internal.kpi_values(text, uuid, bigint, date, date) IS
  'A catalog KPI computed from the daily rollup: one row per day with activity and one (business_date NULL) for the whole period.';
REVOKE ALL ON FUNCTION internal.kpi_values(text, uuid, bigint, date, date) FROM PUBLIC;
