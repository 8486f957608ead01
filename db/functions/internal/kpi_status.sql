-- internal.kpi_status(value, direction, warning, critical): on_target, warning or critical.
CREATE OR REPLACE FUNCTION internal.kpi_status(
  p_value              numeric,
  p_direction          text,
  p_warning_threshold  numeric,
  p_critical_threshold numeric
)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * higher_better: on_target at or above the warning threshold, critical
   * below the critical one, warning between. lower_better mirrors it. No
   * value (nothing traded), no status.
   */
  SELECT CASE
    WHEN p_value IS NULL THEN NULL
    WHEN p_direction = 'higher_better' THEN
      CASE WHEN p_value >= p_warning_threshold THEN 'on_target'
           WHEN p_value >= p_critical_threshold THEN 'warning'
           ELSE 'critical' END
    ELSE
      CASE WHEN p_value <= p_warning_threshold THEN 'on_target'
           WHEN p_value <= p_critical_threshold THEN 'warning'
           ELSE 'critical' END
  END
$fn$;

COMMENT ON FUNCTION internal.kpi_status(numeric, text, numeric, numeric) IS
  'Status of a KPI value against its thresholds and direction: on_target, warning or critical (NULL without a value).';
REVOKE ALL ON FUNCTION internal.kpi_status(numeric, text, numeric, numeric) FROM PUBLIC;
