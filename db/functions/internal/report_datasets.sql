-- internal.report_datasets(): the datasets report sections may name, with their parameters.
CREATE OR REPLACE FUNCTION internal.report_datasets()
RETURNS TABLE (dataset text, function_name text, section_types text[], parameters jsonb, description text)
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * The registry behind every report section: a section's query_config is
   * {"dataset": <dataset>, "parameters": {...}} and may name only a dataset
   * listed here, feeding a section type it lists, with parameters it
   * declares, of the declared type and range (internal.check_query_config,
   * as the section is written). api.generate_report calls function_name, an
   * internal function
   *   (p_organization_id uuid, p_venue_id bigint, p_from date, p_to date, p_params jsonb) RETURNS jsonb
   * over the trading days p_from..p_to of one venue (or, p_venue_id NULL,
   * all the organization's), with p_params holding every declared parameter
   * (defaults filled in). No section ever carries SQL.
   *
   * Parameter specs: {"type": "integer" | "number" | "text" | "boolean" |
   * "text[]", "default": ..., "min": n, "max": n, "values": [allowed text values]}.
   *
   * What a dataset returns, by the section type showing it (a dataset may
   * return several of these keys):
   *   summary: {"headline": text, "paragraphs": [text], "highlights": [{"label", "value", "unit", "change", "status"}]}
   *   metrics: {"metrics": [{"code", "label", "unit", "value", "target", "status", "previous", "change", "direction"}]}
   *   table:   {"columns": [{"key", "label", "type"}], "rows": [{key: value}], "totals": {key: value}}
   *   chart:   {"chart": {"type": "bar" | "line" | "stacked_bar", "x": {"key", "label"},
   *                       "series": [{"key", "label", "unit"}]}, "rows": [...]}  (points are the rows)
   * Units and column types: currency, ratio, count, people, rating, hours, date, text.
   */
  SELECT d.dataset, 'internal.dataset_' || d.dataset, d.section_types, d.parameters, d.description
    FROM (VALUES
    ('executive_summary', '{summary}'::text[],
     '{"compare": {"type": "text", "default": "week_ago", "values": ["week_ago", "year_ago"]}}'::jsonb,
     'Headline sentences written from the period''s numbers: revenue, bookings, attendance and the KPIs off target, each against the same period a week (or 364 days) earlier.'),
    ('kpis', '{metrics,table}',
     '{"codes": {"type": "text[]"}, "compare": {"type": "text", "default": "week_ago", "values": ["week_ago", "month_ago", "year_ago"]}}',
     'Every enabled KPI (or the codes given) for the period with target, status and the comparison period''s value (api.calculate_kpis).'),
    ('bookings_by_hour', '{chart,table}', '{}',
     'Bookings by status, covers and check-ins per local hour of the trading day.'),
    ('revenue_breakdown', '{table,chart,metrics}', '{}',
     'Gross revenue split bar / table / ticket / deposits, refunds and net, each with its share of gross and the comparison week''s figure.'),
    ('event_performance', '{table,chart}',
     '{"compare_series": {"type": "boolean", "default": false}}',
     'Each event of the period: attendance, occupancy, no-shows, revenue by kind and rating, against its previous occurrence and its series'' four-week average (reporting.event_performance_analytics).'),
    ('top_customers', '{table}',
     '{"limit": {"type": "integer", "default": 10, "min": 1, "max": 100}, "rank_by": {"type": "text", "default": "spend", "values": ["spend", "visits"]}}',
     'The customers who spent most (or came most) in the period, by first name and last initial.'),
    ('staff_performance', '{table,chart}',
     '{"limit": {"type": "integer", "default": 20, "min": 1, "max": 200}}',
     'Staff on shift in the period: hours worked, bookings handled, revenue taken and revenue per hour.'),
    ('weekly_trend', '{chart,table}',
     '{"weeks": {"type": "integer", "default": 8, "min": 2, "max": 52}}',
     'The last n Monday-Sunday weeks up to the period''s end: gross and net revenue, bookings, covers, check-ins, average occupancy.'),
    ('revenue_forecast', '{chart,table}',
     '{"days": {"type": "integer", "default": 7, "min": 1, "max": 28}, "history_weeks": {"type": "integer", "default": 4, "min": 2, "max": 12}}',
     'Forecast gross revenue for the days after the period: the same-weekday average of the last history_weeks weeks times the trend of the last history_weeks weeks against the ones before; the method is named in the result.'),
    ('customer_patterns', '{table,chart}', '{}',
     'New, returning and VIP customers, party sizes, booking lead times, occasions and preferred nights in the period.'),
    ('recommendations_and_alerts', '{summary,table}', '{}',
     'What needs attention: KPIs at warning or critical, data-quality findings of the period, and advice derived from the numbers.')
  ) AS d (dataset, section_types, parameters, description)
$fn$;

COMMENT ON FUNCTION internal.report_datasets() IS
  'The registry of report datasets: name, the internal function that computes it, the section types it can feed, its parameters (type, default, range) and what it is.';
REVOKE ALL ON FUNCTION internal.report_datasets() FROM PUBLIC;
