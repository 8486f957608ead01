-- internal.tg_report_sections__check(): sections change only in drafts, and name a dataset that can feed them.
-- SECURITY DEFINER: checks a section against the dataset registry (internal functions no client may call) for an admin writing it through RLS.
CREATE OR REPLACE FUNCTION internal.tg_report_sections__check()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_template reporting.report_templates;
BEGIN
  /*
   * BEFORE INSERT, UPDATE, DELETE on reporting.report_sections, per row: the
   * template version must be a draft (55000: an active version is
   * immutable), and the section's query_config must pass
   * internal.check_query_config for its type (22023).
   */
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END
     AND t.template_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.template_id ELSE NEW.template_id END;
  IF FOUND AND v_template.status <> 'draft' THEN
    RAISE EXCEPTION 'version % of template % is %: its sections cannot change', v_template.version,
      v_template.template_key, v_template.status
      USING ERRCODE = '55000', HINT = 'Create a new version (api.create_report_template) and activate it.';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  PERFORM internal.check_query_config(NEW.section_type, NEW.query_config);
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_sections__check() IS
  'Refuses changes to the sections of an active or retired template version (55000) and sections whose query_config no registered dataset can serve (22023).';
REVOKE ALL ON FUNCTION internal.tg_report_sections__check() FROM PUBLIC;
