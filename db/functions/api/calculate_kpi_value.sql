-- api.calculate_kpi_value(code, from, to [, venue] [, organization]): one KPI's value.
CREATE OR REPLACE FUNCTION api.calculate_kpi_value(
  p_code            text,
  p_from            date,
  p_to              date,
  p_venue_id        bigint DEFAULT NULL,
  p_organization_id uuid DEFAULT NULL
)
RETURNS numeric
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_org   uuid;
  v_def   reporting.kpi_definitions;
  v_key   text;
  v_value numeric;
BEGIN
  /*
   * The value of KPI p_code over the trading days p_from..p_to, for one
   * venue, one organization, or (neither given) every venue the caller can
   * see: seed 001's `SELECT calculate_kpi_value('daily_revenue', CURRENT_DATE,
   * CURRENT_DATE);` works as written. NULL when nothing traded. KPIs that an
   * organization defines as not real-time are served from
   * reporting.report_metrics_cache within their cache_ttl.
   */
  v_org := internal.check_kpi_arguments(p_code, p_from, p_to, p_venue_id, p_organization_id);
  IF v_org IS NOT NULL THEN
    SELECT * INTO v_def FROM reporting.kpi_definitions WHERE organization_id = v_org AND code = p_code;
  END IF;

  IF v_def.code IS NOT NULL AND NOT v_def.is_realtime THEN
    -- The key carries the organization's data version: a value computed while
    -- an aggregation of its days was committing is never read back.
    v_key := format('kpi:%s:%s:%s:%s:v%s', p_code, coalesce(p_venue_id::text, 'all'), p_from, p_to,
                    coalesce((SELECT version FROM internal.organization_data_versions
                               WHERE organization_id = v_org), 0));
    SELECT (c.value ->> 'value')::numeric INTO v_value
      FROM reporting.report_metrics_cache c
     WHERE c.organization_id = v_org AND c.cache_key = v_key AND c.expires_at > clock_timestamp();
    IF FOUND THEN
      RETURN v_value;
    END IF;
  END IF;

  SELECT k.value INTO v_value
    FROM internal.kpi_values(p_code, v_org, p_venue_id, p_from, p_to) k
   WHERE k.business_date IS NULL;

  IF v_key IS NOT NULL THEN
    INSERT INTO reporting.report_metrics_cache (organization_id, cache_key, period_start, period_end,
                                                value, created_at, expires_at)
    VALUES (v_org, v_key, p_from, p_to, jsonb_build_object('value', v_value),
            clock_timestamp(), clock_timestamp() + v_def.cache_ttl)
    ON CONFLICT (organization_id, cache_key) DO UPDATE
      SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at,
          period_start = excluded.period_start, period_end = excluded.period_end;
  END IF;
  RETURN v_value;
END
$fn$;

COMMENT ON FUNCTION api.calculate_kpi_value(text, date, date, bigint, uuid) IS
  'Value of a KPI (see internal.kpi_catalog for codes) over trading days p_from..p_to, for a venue, an organization, or everything visible; NULL when nothing traded. Cached per the organization''s definition. Raises 22004, 22023 (unknown code, p_to before p_from), P0002 (unknown venue or organization).';
REVOKE ALL ON FUNCTION api.calculate_kpi_value(text, date, date, bigint, uuid) FROM PUBLIC;
