-- api.activate_report_template(organization, key, version): make a draft version the live one.
-- SECURITY DEFINER: besides the organization's configuration it writes the engine's own rows (jobs, history, logs) that no client may write directly; internal.require_member checks the caller first.
CREATE OR REPLACE FUNCTION api.activate_report_template(
  p_organization_id uuid,
  p_template_key    text,
  p_version         integer
)
RETURNS reporting.report_templates
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_template reporting.report_templates;
BEGIN
  PERFORM internal.require_member(p_organization_id, '{admin}');
  /*
   * Activates draft version p_version of the key, retiring the active one
   * (whose subscriptions follow the key, so they move to the new version).
   * P0002 when there is no such version; 55000 when it is not a draft.
   */
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = p_organization_id AND t.template_key = p_template_key AND t.version = p_version
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'template % has no version %', p_template_key, p_version USING ERRCODE = 'P0002';
  END IF;
  IF v_template.status <> 'draft' THEN
    RAISE EXCEPTION 'version % of template % is % already', p_version, p_template_key, v_template.status
      USING ERRCODE = '55000', HINT = 'Only a draft can be activated; create a new version to change a template.';
  END IF;
  UPDATE reporting.report_templates t SET status = 'active'
   WHERE t.organization_id = p_organization_id AND t.template_id = v_template.template_id
  RETURNING t.* INTO v_template;
  RETURN v_template;
END
$fn$;

COMMENT ON FUNCTION api.activate_report_template(uuid, text, integer) IS
  'Activates a draft template version and retires the key''s previous active version (P0002 unknown version, 55000 not a draft).';
REVOKE ALL ON FUNCTION api.activate_report_template(uuid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.activate_report_template(uuid, text, integer) TO nightcap_admin;
