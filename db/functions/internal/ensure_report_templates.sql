-- internal.ensure_report_templates(organization): give an organization the system templates it lacks.
CREATE OR REPLACE FUNCTION internal.ensure_report_templates(p_organization_id uuid)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_added integer := 0;
  v_definition jsonb;
BEGIN
  /*
   * Creates and activates version 1 of each system template
   * (internal.system_report_templates) whose key the organization has no
   * version of. Its own versions, and keys it retired, are left alone.
   * Returns how many templates it created.
   */
  FOR v_definition IN
    SELECT d FROM internal.system_report_templates() d
     WHERE NOT EXISTS (SELECT FROM reporting.report_templates t
                        WHERE t.organization_id = p_organization_id AND t.template_key = d ->> 'template_key')
  LOOP
    PERFORM api.create_report_template(p_organization_id, v_definition, true);
    v_added := v_added + 1;
  END LOOP;
  RETURN v_added;
END
$fn$;

COMMENT ON FUNCTION internal.ensure_report_templates(uuid) IS
  'Creates the system report templates an organization has no version of (from internal.system_report_templates) and returns how many.';
REVOKE ALL ON FUNCTION internal.ensure_report_templates(uuid) FROM PUBLIC;
