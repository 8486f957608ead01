-- internal.tg_organizations__seed_report_templates(): a new organization starts with the system report templates.
CREATE OR REPLACE FUNCTION internal.tg_organizations__seed_report_templates()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /* Statement-level AFTER INSERT on venue.organizations (transition table new_rows). */
  PERFORM internal.ensure_report_templates(n.organization_id) FROM new_rows n;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_organizations__seed_report_templates() IS
  'Seeds the system report templates for organizations as they are created.';
REVOKE ALL ON FUNCTION internal.tg_organizations__seed_report_templates() FROM PUBLIC;
