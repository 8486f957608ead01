-- internal.ensure_kpi_definitions(organization): copy the standard KPIs an organization lacks.
CREATE OR REPLACE FUNCTION internal.ensure_kpi_definitions(p_organization_id uuid)
RETURNS integer
LANGUAGE sql
AS $fn$
  /* Adds the catalog KPIs the organization does not define yet; keeps its own targets. */
  WITH added AS (
    INSERT INTO reporting.kpi_definitions (organization_id, code, name, category, unit, direction, target,
                                           warning_threshold, critical_threshold, is_realtime, description)
    SELECT p_organization_id, c.code, c.name, c.category, c.unit, c.direction, c.target,
           c.warning_threshold, c.critical_threshold, c.is_realtime, c.description
      FROM internal.kpi_catalog() c
    ON CONFLICT (organization_id, code) DO NOTHING
    RETURNING 1)
  SELECT count(*)::integer FROM added
$fn$;

COMMENT ON FUNCTION internal.ensure_kpi_definitions(uuid) IS
  'Seeds reporting.kpi_definitions of an organization from internal.kpi_catalog(), leaving existing definitions untouched; returns how many it added.';
REVOKE ALL ON FUNCTION internal.ensure_kpi_definitions(uuid) FROM PUBLIC;
