-- internal.dataset_recommendations_and_alerts(organization, venue, from, to, params): what needs attention, and what to do.
CREATE OR REPLACE FUNCTION internal.dataset_recommendations_and_alerts(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date,
  p_params          jsonb
)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $fn$
  /*
   * Items, most severe first (critical, warning, info), each with a
   * category, subject, message written from the numbers and a
   * recommendation:
   *   kpi           every KPI at warning or critical (internal.dataset_kpis,
   *                 week_ago), with advice for that KPI
   *   data_quality  reporting.data_quality_findings of the period, one item
   *                 per check and severity (error -> critical) with the count
   *                 and the days
   *   trend         the revenue_forecast's trend factor (last 4 weeks
   *                 against the 4 before): below 0.9 a warning, above 1.1
   *                 an info item
   * summary keys (headline, paragraphs) and table keys (columns, rows).
   * p_params: none.
   */
  WITH org AS (
    SELECT o.currency FROM venue.organizations o WHERE o.organization_id = p_organization_id
  ), k AS (
    SELECT m FROM jsonb_array_elements(
             internal.dataset_kpis(p_organization_id, p_venue_id, p_from, p_to, '{"compare": "week_ago"}') -> 'metrics') AS m
     WHERE m ->> 'status' IN ('warning', 'critical')
  ), trend AS (
    SELECT (x -> 'method' ->> 'trend_factor_uncapped')::numeric AS factor
      FROM internal.dataset_revenue_forecast(p_organization_id, p_venue_id, p_from, p_to,
                                             '{"days": 1, "history_weeks": 4}') AS x
  ), items AS (
    SELECT CASE k.m ->> 'status' WHEN 'critical' THEN 1 ELSE 2 END AS rank, k.m ->> 'status' AS severity,
           'kpi' AS category, k.m ->> 'label' AS subject,
           format('%s at %s, %s the %s %s threshold (target %s).', k.m ->> 'label',
                  internal.report_format_value((k.m ->> 'value')::numeric, k.m ->> 'unit', org.currency),
                  CASE k.m ->> 'direction' WHEN 'higher_better' THEN 'below' ELSE 'above' END,
                  internal.report_format_value((k.m ->> ((k.m ->> 'status') || '_threshold'))::numeric, k.m ->> 'unit', org.currency),
                  k.m ->> 'status',
                  internal.report_format_value((k.m ->> 'target')::numeric, k.m ->> 'unit', org.currency)) AS message,
           CASE k.m ->> 'code'
             WHEN 'daily_revenue' THEN 'Review pricing, promotions and the events programme for the quieter nights.'
             WHEN 'net_revenue' THEN 'Check what drove the refunds and tighten the refund policy where it is loose.'
             WHEN 'average_spend_per_head' THEN 'Push table packages and bar promotions; check bar queues at peak hours.'
             WHEN 'booking_conversion_rate' THEN 'Follow up pending bookings and confirm them ahead of the night.'
             WHEN 'cancellation_rate' THEN 'Ask for deposits on larger bookings and remind guests the day before.'
             WHEN 'no_show_rate' THEN 'Send reminders the day before and take deposits for tables.'
             WHEN 'average_party_size' THEN 'Promote group and table packages.'
             WHEN 'occupancy_rate' THEN 'Boost marketing for the quieter nights; review line-ups and door prices.'
             WHEN 'table_turnover' THEN 'Offer early and late table slots to use each table more than once.'
             WHEN 'new_customer_share' THEN 'Invest in acquisition: promoters, partners and social campaigns.'
             WHEN 'vip_share' THEN 'Invite the best regulars to the VIP scheme.'
             WHEN 'average_rating' THEN 'Read the low-rated feedback and brief the team on the issues it raises.'
           END AS recommendation
      FROM k LEFT JOIN org ON true
    UNION ALL
    SELECT CASE f.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
           CASE f.severity WHEN 'error' THEN 'critical' ELSE f.severity END,
           'data_quality', f.check_code,
           format('%s (%s): %s finding%s, on %s.',
                  initcap(left(split_part(f.check_code, '.', 2), 1))
                    || replace(substr(split_part(f.check_code, '.', 2), 2), '_', ' '),
                  split_part(f.check_code, '.', 1), count(*), CASE WHEN count(*) > 1 THEN 's' ELSE '' END,
                  string_agg(DISTINCT to_char(f.business_date, 'FMDy FMDD FMMon'), ', ')),
           CASE split_part(f.check_code, '.', 1)
             WHEN 'validation' THEN 'Correct the source records; the figures affected may be off until then.'
             WHEN 'completeness' THEN 'Check that the tills and door scanners sent their data for that night.'
             ELSE 'Confirm the figure is real (a special event, a data error) before acting on it.' END
      FROM reporting.data_quality_findings f
     WHERE f.organization_id = p_organization_id AND (p_venue_id IS NULL OR f.venue_id = p_venue_id)
       AND f.business_date BETWEEN p_from AND p_to
     GROUP BY f.check_code, f.severity
    UNION ALL
    SELECT CASE WHEN t.factor < 0.9 THEN 2 ELSE 3 END, CASE WHEN t.factor < 0.9 THEN 'warning' ELSE 'info' END,
           'trend', 'Revenue trend',
           format('Gross revenue of the last 4 weeks is %s%% %s the 4 weeks before.',
                  round(abs(t.factor - 1) * 100), CASE WHEN t.factor < 1 THEN 'below' ELSE 'above' END),
           CASE WHEN t.factor < 0.9 THEN 'Find which nights fell and plan promotions for them; the forecast assumes the decline continues.'
                ELSE 'Staff and stock up for the rise; the forecast assumes it continues.' END
      FROM trend t
     WHERE t.factor < 0.9 OR t.factor > 1.1
  )
  SELECT jsonb_build_object(
    'headline', CASE
      WHEN count(i.*) = 0 THEN 'Nothing needs attention'
      ELSE format('%s item%s need%s attention: %s', count(i.*), CASE WHEN count(i.*) > 1 THEN 's' ELSE '' END,
                  CASE WHEN count(i.*) > 1 THEN '' ELSE 's' END,
                  concat_ws(', ',
                    CASE WHEN count(*) FILTER (WHERE i.severity = 'critical') > 0
                         THEN count(*) FILTER (WHERE i.severity = 'critical') || ' critical' END,
                    CASE WHEN count(*) FILTER (WHERE i.severity = 'warning') > 0
                         THEN count(*) FILTER (WHERE i.severity = 'warning') || ' warning' || CASE WHEN count(*) FILTER (WHERE i.severity = 'warning') > 1 THEN 's' ELSE '' END END,
                    CASE WHEN count(*) FILTER (WHERE i.severity = 'info') > 0
                         THEN count(*) FILTER (WHERE i.severity = 'info') || ' for information' END)) END,
    'paragraphs', coalesce(jsonb_agg(i.message || ' ' || i.recommendation ORDER BY i.rank, i.category, i.subject)
                             FILTER (WHERE i.rank IS NOT NULL), '[]'),
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'severity', 'label', 'Severity', 'type', 'text'),
      jsonb_build_object('key', 'category', 'label', 'Area', 'type', 'text'),
      jsonb_build_object('key', 'subject', 'label', 'Subject', 'type', 'text'),
      jsonb_build_object('key', 'message', 'label', 'What we found', 'type', 'text'),
      jsonb_build_object('key', 'recommendation', 'label', 'What to do', 'type', 'text')),
    'rows', coalesce(jsonb_agg(jsonb_build_object(
                       'severity', i.severity, 'category', i.category, 'subject', i.subject,
                       'message', i.message, 'recommendation', i.recommendation)
                       ORDER BY i.rank, i.category, i.subject) FILTER (WHERE i.rank IS NOT NULL), '[]'))
    FROM (SELECT NULL) AS one LEFT JOIN items i ON true
$fn$;

COMMENT ON FUNCTION internal.dataset_recommendations_and_alerts(uuid, bigint, date, date, jsonb) IS
  'Report dataset recommendations_and_alerts: KPIs at warning or critical, the period''s data-quality findings and the revenue trend, each with a message from the numbers and a recommendation, most severe first.';
REVOKE ALL ON FUNCTION internal.dataset_recommendations_and_alerts(uuid, bigint, date, date, jsonb) FROM PUBLIC;
