-- internal.tg_report_templates__log(): the change history of template versions.
-- SECURITY DEFINER: writes reporting.report_template_changes, a history no client may write, for an admin changing a template through RLS.
CREATE OR REPLACE FUNCTION internal.tg_report_templates__log()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * AFTER INSERT or UPDATE OF status on reporting.report_templates, per row:
   * one reporting.report_template_changes row per version created,
   * activated or retired, with the acting user (internal.current_actor).
   */
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO reporting.report_template_changes
           (organization_id, template_id, template_key, version, action, changed_by, note)
    VALUES (NEW.organization_id, NEW.template_id, NEW.template_key, NEW.version,
            CASE WHEN TG_OP = 'INSERT' THEN 'created' WHEN NEW.status = 'active' THEN 'activated' ELSE NEW.status END,
            internal.current_actor(),
            CASE WHEN TG_OP = 'INSERT' THEN NEW.change_note END);
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_templates__log() IS
  'Records each template version''s creation, activation and retirement, with who and when, in reporting.report_template_changes.';
REVOKE ALL ON FUNCTION internal.tg_report_templates__log() FROM PUBLIC;
