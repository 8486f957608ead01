-- internal.dataset_revenue_forecast(organization, venue, from, to, params): gross revenue forecast for the days after the period.
CREATE OR REPLACE FUNCTION internal.dataset_revenue_forecast(
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
   * Method "same_weekday_average_with_trend", for each of the params.days
   * days after p_to:
   *   baseline = mean gross revenue of the same weekday over the last
   *              H = params.history_weeks weeks (the 7H trading days ending
   *              p_to, so each weekday appears exactly H times; a day without
   *              a rollup row took nothing and counts as 0, so a night the
   *              venue is closed forecasts 0)
   *   trend    = gross of those 7H days / gross of the 7H days before them,
   *              capped to [0.5, 1.5] (one odd fortnight must not double or
   *              wipe out the forecast); 1 when the earlier span took nothing
   *   forecast = round(baseline x trend, 2)
   * The result names the method, the history (both spans, their totals,
   * the trend before and after the cap, and each weekday's history values)
   * so a reader can check every number. From reporting.daily_aggregations.
   * p_from is not used: the history always ends at p_to.
   */
  WITH o AS (
    SELECT coalesce((p_params ->> 'days')::int, 7) AS days,
           coalesce((p_params ->> 'history_weeks')::int, 4) AS h
  ), d AS (
    SELECT a.business_date, sum(a.gross_revenue) AS gross
      FROM o CROSS JOIN reporting.daily_aggregations a
     WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
       AND a.business_date BETWEEN p_to - 14 * o.h + 1 AND p_to
     GROUP BY 1
  ), days AS (
    SELECT g::date AS business_date, coalesce(d.gross, 0) AS gross, g::date > p_to - 7 * o.h AS is_recent
      FROM o CROSS JOIN generate_series(p_to - 14 * o.h + 1, p_to, interval '1 day') AS g
      LEFT JOIN d ON d.business_date = g::date
  ), t AS (
    SELECT sum(days.gross) FILTER (WHERE days.is_recent) AS recent,
           sum(days.gross) FILTER (WHERE NOT days.is_recent) AS earlier
      FROM days
  ), trend AS (
    SELECT t.recent, t.earlier, round(t.recent / nullif(t.earlier, 0), 4) AS raw,
           CASE WHEN t.earlier = 0 THEN 1.0 ELSE least(1.5, greatest(0.5, round(t.recent / t.earlier, 4))) END AS factor
      FROM t
  ), weekday AS (
    SELECT extract(isodow FROM days.business_date)::int AS dow, round(avg(days.gross), 2) AS baseline,
           jsonb_agg(jsonb_build_object('business_date', days.business_date, 'gross_revenue', days.gross)
                     ORDER BY days.business_date) AS history
      FROM days WHERE days.is_recent
     GROUP BY 1
  ), f AS (
    SELECT (p_to + k)::date AS business_date, w.baseline, round(w.baseline * trend.factor, 2) AS forecast, w.history
      FROM o CROSS JOIN trend CROSS JOIN generate_series(1, o.days) AS k
      JOIN weekday w ON w.dow = extract(isodow FROM (p_to + k)::date)::int
  )
  SELECT jsonb_build_object(
    'method', jsonb_build_object(
      'name', 'same_weekday_average_with_trend',
      'description', format('Mean gross revenue of the same weekday over the last %s weeks, times the trend '
                            '(the last %s weeks'' gross / the %s weeks before), capped to 0.5-1.5.', o.h, o.h, o.h),
      'history_weeks', o.h,
      'recent_from', p_to - 7 * o.h + 1, 'recent_to', p_to, 'recent_gross_revenue', trend.recent,
      'earlier_from', p_to - 14 * o.h + 1, 'earlier_to', p_to - 7 * o.h, 'earlier_gross_revenue', trend.earlier,
      'trend_factor_uncapped', trend.raw, 'trend_factor', trend.factor, 'cap', jsonb_build_array(0.5, 1.5)),
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'business_date', 'label', 'Date', 'type', 'date'),
      jsonb_build_object('key', 'weekday', 'label', 'Day', 'type', 'text'),
      jsonb_build_object('key', 'baseline', 'label', 'Same-weekday average', 'type', 'currency'),
      jsonb_build_object('key', 'forecast', 'label', 'Forecast', 'type', 'currency')),
    'rows', (SELECT jsonb_agg(jsonb_build_object(
               'business_date', f.business_date, 'weekday', to_char(f.business_date, 'FMDay'),
               'baseline', f.baseline, 'forecast', f.forecast, 'history', f.history) ORDER BY f.business_date)
               FROM f),
    'totals', (SELECT jsonb_build_object('business_date', NULL, 'weekday', 'Total',
                                         'baseline', sum(f.baseline), 'forecast', sum(f.forecast)) FROM f),
    'chart', jsonb_build_object(
      'type', 'line',
      'x', jsonb_build_object('key', 'business_date', 'label', 'Date'),
      'series', jsonb_build_array(
        jsonb_build_object('key', 'forecast', 'label', 'Forecast', 'unit', 'currency'),
        jsonb_build_object('key', 'baseline', 'label', 'Same-weekday average', 'unit', 'currency'))))
    FROM o CROSS JOIN trend
$fn$;

COMMENT ON FUNCTION internal.dataset_revenue_forecast(uuid, bigint, date, date, jsonb) IS
  'Report dataset revenue_forecast: gross revenue for the days after the period by the same-weekday average of the last history_weeks weeks times their trend against the weeks before (capped 0.5-1.5); the method and its history are in the result.';
REVOKE ALL ON FUNCTION internal.dataset_revenue_forecast(uuid, bigint, date, date, jsonb) FROM PUBLIC;
