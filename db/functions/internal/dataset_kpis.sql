-- internal.dataset_kpis(organization, venue, from, to, params): the KPI tiles and table of a report.
CREATE OR REPLACE FUNCTION internal.dataset_kpis(
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
   * Every enabled KPI of the organization (or, params.codes given, those
   * codes in that order, enabled or not) for p_from..p_to, one venue or all:
   * value, target, thresholds, status (internal.kpi_status) and the value of
   * the comparison period (params.compare: week_ago = 7 days earlier,
   * month_ago = one calendar month, year_ago = 364 days, keeping weekdays),
   * with change = (value - previous) / |previous| (0.10 = +10%).
   *
   * Computed here from internal.kpi_values, not through api.calculate_kpis:
   * that function writes reporting.kpi_calculations (and seeds missing
   * definitions), so it is VOLATILE and a STABLE dataset cannot call it; a
   * report that only reads must not rewrite the KPI history as a side
   * effect; and it computes all three comparisons and the daily spread,
   * where a report needs one comparison. The figures are the same: both are
   * internal.kpi_values over the same days, judged by internal.kpi_status.
   *
   * Returns {"metrics": [...], "columns", "rows" (the same KPIs, with
   * *_text columns already written in the KPI's unit, since units differ
   * from row to row), "compare", "comparison_period"}.
   */
  WITH opts AS (
    SELECT CASE WHEN jsonb_typeof(p_params -> 'codes') = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text(p_params -> 'codes')) END AS codes,
           coalesce(p_params ->> 'compare', 'week_ago') AS compare
  ), cmp AS (
    SELECT o.codes, o.compare,
           CASE o.compare WHEN 'year_ago' THEN p_from - 364
                          WHEN 'month_ago' THEN (p_from - interval '1 month')::date
                          ELSE p_from - 7 END AS prev_from,
           CASE o.compare WHEN 'year_ago' THEN p_to - 364
                          WHEN 'month_ago' THEN (p_to - interval '1 month')::date
                          ELSE p_to - 7 END AS prev_to
      FROM opts o
  ), org AS (
    SELECT o.currency FROM venue.organizations o WHERE o.organization_id = p_organization_id
  ), k AS (
    SELECT d.code, d.name, d.category, d.unit, d.direction, d.target, d.warning_threshold,
           d.critical_threshold, d.description,
           coalesce(array_position(cmp.codes, d.code::text), c.ordinality) AS position,
           cur.value, prev.value AS previous
      FROM cmp
      JOIN reporting.kpi_definitions d
        ON d.organization_id = p_organization_id
       AND CASE WHEN cmp.codes IS NULL THEN d.is_enabled ELSE d.code = ANY (cmp.codes) END
      JOIN internal.kpi_catalog() WITH ORDINALITY AS c ON c.code = d.code
     CROSS JOIN LATERAL (SELECT v.value FROM internal.kpi_values(d.code, p_organization_id, p_venue_id, p_from, p_to) v
                          WHERE v.business_date IS NULL) cur
     CROSS JOIN LATERAL (SELECT v.value FROM internal.kpi_values(d.code, p_organization_id, p_venue_id,
                                                                 cmp.prev_from, cmp.prev_to) v
                          WHERE v.business_date IS NULL) prev
  ), m AS (
    SELECT k.position,
           jsonb_build_object(
             'code', k.code, 'label', k.name, 'category', k.category, 'unit', k.unit,
             'direction', k.direction, 'value', k.value, 'target', trim_scale(k.target),
             'warning_threshold', trim_scale(k.warning_threshold),
             'critical_threshold', trim_scale(k.critical_threshold),
             'status', internal.kpi_status(k.value, k.direction, k.warning_threshold, k.critical_threshold),
             'previous', k.previous,
             'change', round((k.value - k.previous) / nullif(abs(k.previous), 0), 4),
             'attainment', round(k.value / nullif(k.target, 0), 4),
             'description', k.description) AS metric,
           jsonb_build_object(
             'value_text', internal.report_format_value(k.value, k.unit, org.currency),
             'target_text', internal.report_format_value(k.target, k.unit, org.currency),
             'previous_text', internal.report_format_value(k.previous, k.unit, org.currency)) AS texts
      FROM k LEFT JOIN org ON true
  )
  SELECT jsonb_build_object(
           'metrics', coalesce((SELECT jsonb_agg(m.metric ORDER BY m.position) FROM m), '[]'),
           'columns', jsonb_build_array(
             jsonb_build_object('key', 'label', 'label', 'KPI', 'type', 'text'),
             jsonb_build_object('key', 'value_text', 'label', 'Value', 'type', 'text'),
             jsonb_build_object('key', 'target_text', 'label', 'Target', 'type', 'text'),
             jsonb_build_object('key', 'status', 'label', 'Status', 'type', 'text'),
             jsonb_build_object('key', 'previous_text', 'label', 'Previous', 'type', 'text'),
             jsonb_build_object('key', 'change', 'label', 'Change', 'type', 'ratio')),
           'rows', coalesce((SELECT jsonb_agg(m.metric || m.texts ORDER BY m.position) FROM m), '[]'),
           'compare', cmp.compare,
           'comparison_period', jsonb_build_object('from', cmp.prev_from, 'to', cmp.prev_to))
    FROM cmp
$fn$;

COMMENT ON FUNCTION internal.dataset_kpis(uuid, bigint, date, date, jsonb) IS
  'Report dataset kpis: each enabled KPI (or params.codes) of the period with target, thresholds, status and the comparison period''s value (params.compare), computed from internal.kpi_values without storing.';
REVOKE ALL ON FUNCTION internal.dataset_kpis(uuid, bigint, date, date, jsonb) FROM PUBLIC;
