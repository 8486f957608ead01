-- internal.tg_organizations__seed_kpis(): a new organization starts with the standard KPIs.
CREATE OR REPLACE FUNCTION internal.tg_organizations__seed_kpis()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /* Statement-level AFTER INSERT on venue.organizations (transition table new_rows). */
  PERFORM internal.ensure_kpi_definitions(n.organization_id) FROM new_rows n;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_organizations__seed_kpis() IS
  'Seeds the standard KPI definitions for organizations as they are created.';
REVOKE ALL ON FUNCTION internal.tg_organizations__seed_kpis() FROM PUBLIC;
