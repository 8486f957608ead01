-- api.calculate_kpis(organization, from, to [, venue]): every KPI of a period, stored with comparisons.
CREATE OR REPLACE FUNCTION api.calculate_kpis(
  p_organization_id uuid,
  p_from            date,
  p_to              date,
  p_venue_id        bigint DEFAULT NULL
)
RETURNS SETOF reporting.kpi_calculations
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * Calculates every enabled KPI of the organization for p_from..p_to (one
   * venue, or all its venues), with the same period 7 days, one month and
   * 364 days earlier (364 keeps the weekdays), the min / max / mean /
   * standard deviation of its daily values, attainment (value / target) and
   * status; stores them in reporting.kpi_calculations, replacing an earlier
   * calculation of the same period, and returns them.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_organization_id is missing';
  END IF;
  PERFORM internal.check_kpi_arguments('daily_revenue', p_from, p_to, p_venue_id, p_organization_id);
  PERFORM internal.ensure_kpi_definitions(p_organization_id);

  RETURN QUERY
  INSERT INTO reporting.kpi_calculations AS kc (
    organization_id, code, venue_id, period_start, period_end, value, target, attainment, status,
    week_ago_value, month_ago_value, year_ago_value, days, day_min, day_max, day_avg, day_stddev)
  SELECT k.organization_id, k.code, p_venue_id, p_from, p_to, now_.value, k.target,
         round(now_.value / nullif(k.target, 0), 4),
         internal.kpi_status(now_.value, k.direction, k.warning_threshold, k.critical_threshold),
         week.value, month.value, year.value,
         coalesce(daily.days, 0), daily.lo, daily.hi, round(daily.mean, 4), round(daily.sd, 4)
    FROM reporting.kpi_definitions k
   CROSS JOIN LATERAL (SELECT v.value FROM internal.kpi_values(k.code, p_organization_id, p_venue_id, p_from, p_to) v
                        WHERE v.business_date IS NULL) now_
   CROSS JOIN LATERAL (SELECT count(v.value)::int AS days, min(v.value) AS lo, max(v.value) AS hi,
                              avg(v.value) AS mean, stddev_samp(v.value) AS sd
                         FROM internal.kpi_values(k.code, p_organization_id, p_venue_id, p_from, p_to) v
                        WHERE v.business_date IS NOT NULL) daily
    LEFT JOIN LATERAL (SELECT v.value FROM internal.kpi_values(k.code, p_organization_id, p_venue_id,
                                                                p_from - 7, p_to - 7) v
                        WHERE v.business_date IS NULL) week ON true
    LEFT JOIN LATERAL (SELECT v.value FROM internal.kpi_values(k.code, p_organization_id, p_venue_id,
                                                                (p_from - interval '1 month')::date,
                                                                (p_to - interval '1 month')::date) v
                        WHERE v.business_date IS NULL) month ON true
    LEFT JOIN LATERAL (SELECT v.value FROM internal.kpi_values(k.code, p_organization_id, p_venue_id,
                                                                p_from - 364, p_to - 364) v
                        WHERE v.business_date IS NULL) year ON true
   WHERE k.organization_id = p_organization_id AND k.is_enabled
  ON CONFLICT (organization_id, code, coalesce(venue_id, 0), period_start, period_end) DO UPDATE
    SET value = excluded.value, target = excluded.target, attainment = excluded.attainment,
        status = excluded.status, week_ago_value = excluded.week_ago_value,
        month_ago_value = excluded.month_ago_value, year_ago_value = excluded.year_ago_value,
        days = excluded.days, day_min = excluded.day_min, day_max = excluded.day_max,
        day_avg = excluded.day_avg, day_stddev = excluded.day_stddev, calculated_at = now()
  RETURNING kc.*;
END
$fn$;

COMMENT ON FUNCTION api.calculate_kpis(uuid, date, date, bigint) IS
  'Calculates, stores (reporting.kpi_calculations) and returns every enabled KPI of an organization for a period, with week / month / year-ago comparisons, daily spread and status. Raises 22004, 22023 (p_to before p_from), P0002.';
REVOKE ALL ON FUNCTION api.calculate_kpis(uuid, date, date, bigint) FROM PUBLIC;
