-- internal.report_warnings(organization, venue, from, to): what a report's reader should be warned of.
CREATE OR REPLACE FUNCTION internal.report_warnings(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date
)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $fn$
  /*
   * A JSON array of {"code", "severity", "message", ...}:
   *   empty             no trading (bookings, revenue or check-ins) at all in the period;
   *   incomplete        venues of the scope with days in the period but no rollup row
   *                     while other days have one (a gap in the data), and venue-days
   *                     whose facts changed and still wait for re-aggregation;
   *   data_quality      the data-quality findings of the period, by check and severity
   *                     (reporting.data_quality_findings; anomalies among them);
   *   anomaly           gross revenue of the period under half or over one and a half
   *                     times the mean of the four periods of the same length and
   *                     weekdays before it (periods of up to a week step back a week,
   *                     longer ones their own length), when those had revenue.
   */
  WITH scope AS (
    SELECT v.venue_id, v.name
      FROM venue.venues v
     WHERE v.organization_id = p_organization_id AND (p_venue_id IS NULL OR v.venue_id = p_venue_id)
  ), days AS (
    SELECT a.venue_id,
           count(*) FILTER (WHERE a.bookings_total > 0 OR a.gross_revenue > 0 OR a.check_ins > 0) AS trading_days
      FROM reporting.daily_aggregations a
      JOIN scope s USING (venue_id)
     WHERE a.organization_id = p_organization_id AND a.business_date BETWEEN p_from AND p_to
     GROUP BY a.venue_id
  ), pending AS (
    SELECT count(DISTINCT (q.venue_id, q.business_date)) AS venue_days
      FROM internal.aggregation_queue q
      JOIN scope s USING (venue_id)
     WHERE q.organization_id = p_organization_id AND q.business_date BETWEEN p_from AND p_to
  ), findings AS (
    SELECT f.check_code, f.severity, count(*) AS findings, min(f.business_date) AS first_date
      FROM reporting.data_quality_findings f
      JOIN scope s USING (venue_id)
     WHERE f.organization_id = p_organization_id AND f.business_date BETWEEN p_from AND p_to
       AND f.severity IN ('warning', 'error')
     GROUP BY f.check_code, f.severity
  ), baseline AS (
    SELECT sum(a.gross_revenue) FILTER (WHERE a.business_date BETWEEN p_from AND p_to) AS now_gross,
           sum(a.gross_revenue) FILTER (WHERE a.business_date < p_from) / 4 AS mean_gross
      FROM reporting.daily_aggregations a
      JOIN scope s USING (venue_id)
      CROSS JOIN LATERAL (SELECT greatest(7, p_to - p_from + 1) AS step) k
     WHERE a.organization_id = p_organization_id
       AND a.business_date BETWEEN p_from - 4 * k.step AND p_to
       AND (a.business_date >= p_from
            OR (p_from - a.business_date - 1) % k.step >= k.step - (p_to - p_from + 1))
  )
  SELECT coalesce(jsonb_agg(w.warning ORDER BY w.ord, w.warning ->> 'code'), '[]')
    FROM (
      SELECT 1 AS ord, jsonb_build_object(
               'code', 'empty', 'severity', 'warning',
               'message', format('No trading recorded from %s to %s.', p_from, p_to)) AS warning
       WHERE coalesce((SELECT sum(d.trading_days) FROM days d), 0) = 0
      UNION ALL
      SELECT 2, jsonb_build_object(
               'code', 'incomplete', 'severity', 'warning', 'venue_days', p.venue_days,
               'message', format('%s venue-day(s) of this period have changed facts not yet re-aggregated; figures may move.', p.venue_days))
        FROM pending p WHERE p.venue_days > 0
      UNION ALL
      SELECT 3, jsonb_build_object(
               'code', 'data_quality', 'severity', f.severity, 'check', f.check_code, 'findings', f.findings,
               'message', format('%s %s finding(s) of %s from %s.', f.findings, f.severity, f.check_code, f.first_date))
        FROM findings f
      UNION ALL
      SELECT 4, jsonb_build_object(
               'code', 'anomaly', 'severity', 'warning', 'metric', 'gross_revenue',
               'value', coalesce(b.now_gross, 0), 'baseline', round(b.mean_gross, 2),
               'message', format('Gross revenue %s is %s%% of the average of the four comparable periods before (%s).',
                                 coalesce(b.now_gross, 0), round(100 * coalesce(b.now_gross, 0) / b.mean_gross),
                                 round(b.mean_gross, 2)))
        FROM baseline b
       WHERE b.mean_gross > 0
         AND (coalesce(b.now_gross, 0) < 0.5 * b.mean_gross OR coalesce(b.now_gross, 0) > 1.5 * b.mean_gross)
    ) w
$fn$;

COMMENT ON FUNCTION internal.report_warnings(uuid, bigint, date, date) IS
  'The warnings a report carries for its period and scope: no trading, days awaiting re-aggregation, data-quality findings, revenue far from the comparable periods (JSON array).';
REVOKE ALL ON FUNCTION internal.report_warnings(uuid, bigint, date, date) FROM PUBLIC;
