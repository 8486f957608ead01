-- api.evaluate_kpi_alerts(organization, from, to [, venue]): the KPI alerts of each trading day, in order.
CREATE OR REPLACE FUNCTION api.evaluate_kpi_alerts(
  p_organization_id uuid,
  p_from            date,
  p_to              date,
  p_venue_id        bigint DEFAULT NULL
)
RETURNS TABLE (venue_id bigint, code text, business_date date, value numeric, outcome text)
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * Where KPI values become alerts. For each venue of the organization (or
   * p_venue_id), each enabled KPI and each trading day in p_from..p_to, in
   * date order: the day's value (internal.kpi_values over the daily
   * aggregations, as api.calculate_kpis computes it) goes through
   * api.evaluate_kpi_value's hysteresis. Days without trading have no value
   * and are no evaluation. Run nightly by the kpi_alerts system job for the
   * day just aggregated (after daily_aggregations); a range catches up, and
   * days already evaluated count nothing again. Returns each evaluation and
   * its outcome.
   */
  PERFORM internal.check_kpi_arguments('daily_revenue', p_from, p_to, p_venue_id, p_organization_id);
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_organization_id is missing';
  END IF;
  PERFORM internal.ensure_kpi_definitions(p_organization_id);

  RETURN QUERY
  SELECT d.venue_id, d.code, d.business_date, d.value,
         api.evaluate_kpi_value(p_organization_id, d.venue_id, d.code, d.business_date, d.value)
    FROM (SELECT v.venue_id, k.code, x.business_date, x.value
            FROM venue.venues v
            JOIN reporting.kpi_definitions k ON k.organization_id = v.organization_id AND k.is_enabled
           CROSS JOIN LATERAL internal.kpi_values(k.code, p_organization_id, v.venue_id, p_from, p_to) x
           WHERE v.organization_id = p_organization_id
             AND (p_venue_id IS NULL OR v.venue_id = p_venue_id)
             AND x.business_date IS NOT NULL
           ORDER BY x.business_date, v.venue_id, k.code
          OFFSET 0) d
   ORDER BY d.business_date, d.venue_id, d.code;
END
$fn$;

COMMENT ON FUNCTION api.evaluate_kpi_alerts(uuid, date, date, bigint) IS
  'Evaluates every enabled KPI of each venue (or one) for each trading day of a period, in date order, through api.evaluate_kpi_value''s hysteresis; returns each evaluation''s outcome. Raises 22004, 22023 (p_to before p_from), P0002.';
REVOKE ALL ON FUNCTION api.evaluate_kpi_alerts(uuid, date, date, bigint) FROM PUBLIC;
