-- api.create_report_template(organization, template, activate): a new version of a template, with its sections.
-- SECURITY DEFINER: besides the organization's configuration it writes the engine's own rows (jobs, history, logs) that no client may write directly; internal.require_member checks the caller first.
CREATE OR REPLACE FUNCTION api.create_report_template(
  p_organization_id uuid,
  p_template        jsonb,
  p_activate        boolean DEFAULT true
)
RETURNS reporting.report_templates
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_template reporting.report_templates;
  v_unknown  text;
BEGIN
  PERFORM internal.require_member(p_organization_id, '{admin}');
  /*
   * Writes the next version of p_template ->> 'template_key' for the
   * organization from one JSON document:
   *   {"template_key", "name", "description", "report_type", "period_kind",
   *    "formats": [...], "schedule_cron", "schedule_timezone", "cache_ttl",
   *    "skip_when_empty", "change_note",
   *    "sections": [{"section_key", "title", "section_type",
   *                  "query_config": {"dataset", "parameters"}, "display_config"}]}
   * Sections take their positions from their order. Every section is
   * checked against the dataset registry (22023 on an unknown dataset or
   * parameter); the schedule with api.cron_validate. With p_activate (the
   * default) the version becomes the key's active one, retiring the
   * previous; otherwise it stays a draft to review. All or nothing.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_organization_id is missing';
  END IF;
  PERFORM internal.require_organization(p_organization_id);
  IF p_template IS NULL OR jsonb_typeof(p_template) <> 'object' THEN
    RAISE EXCEPTION 'p_template must be a JSON object, got %', coalesce(p_template::text, 'NULL') USING ERRCODE = '22023';
  END IF;
  SELECT string_agg(k, ', ') INTO v_unknown
    FROM jsonb_object_keys(p_template) k
   WHERE k NOT IN ('template_key', 'name', 'description', 'report_type', 'period_kind', 'formats',
                   'schedule_cron', 'schedule_timezone', 'cache_ttl', 'skip_when_empty', 'change_note',
                   'is_system', 'sections');
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown template keys: %', v_unknown USING ERRCODE = '22023';
  END IF;
  IF jsonb_typeof(p_template -> 'sections') IS DISTINCT FROM 'array' OR jsonb_array_length(p_template -> 'sections') = 0 THEN
    RAISE EXCEPTION 'template % needs "sections", a non-empty array', coalesce(p_template ->> 'template_key', '?')
      USING ERRCODE = '22023';
  END IF;
  IF p_template ->> 'schedule_cron' IS NOT NULL THEN
    p_template := jsonb_set(p_template, '{schedule_cron}', to_jsonb(api.cron_validate(p_template ->> 'schedule_cron')));
  END IF;

  INSERT INTO reporting.report_templates AS t
         (organization_id, template_key, version, name, description, report_type, period_kind, formats,
          schedule_cron, schedule_timezone, cache_ttl, skip_when_empty, is_system, change_note, created_by)
  SELECT p_organization_id, r.template_key, NULL, r.name, r.description,
         coalesce(r.report_type, 'custom'), coalesce(r.period_kind, 'trading_day'),
         coalesce(r.formats, '{pdf,html}'), r.schedule_cron, coalesce(r.schedule_timezone, 'Europe/London'),
         coalesce(r.cache_ttl, interval '90 minutes'), coalesce(r.skip_when_empty, false),
         coalesce(r.is_system, false), r.change_note, ''
    FROM jsonb_to_record(p_template) AS r (
           template_key text, name text, description text, report_type text, period_kind text,
           formats text[], schedule_cron text, schedule_timezone text, cache_ttl interval,
           skip_when_empty boolean, is_system boolean, change_note text)
  RETURNING t.* INTO v_template;

  INSERT INTO reporting.report_sections
         (organization_id, template_id, position, section_key, title, section_type, query_config, display_config)
  SELECT p_organization_id, v_template.template_id, e.position::smallint, s.section_key, s.title, s.section_type,
         s.query_config, coalesce(s.display_config, '{}')
    FROM jsonb_array_elements(p_template -> 'sections') WITH ORDINALITY AS e (section, position)
   CROSS JOIN LATERAL jsonb_to_record(e.section) AS s (
           section_key text, title text, section_type text, query_config jsonb, display_config jsonb)
   ORDER BY e.position;

  IF p_activate THEN
    UPDATE reporting.report_templates t SET status = 'active'
     WHERE t.organization_id = p_organization_id AND t.template_id = v_template.template_id
    RETURNING t.* INTO v_template;
  END IF;
  RETURN v_template;
END
$fn$;

COMMENT ON FUNCTION api.create_report_template(uuid, jsonb, boolean) IS
  'Creates the next version of a report template with its sections from one JSON document, checked against the dataset registry, and (by default) activates it. 22023 on bad input, nothing stored.';
REVOKE ALL ON FUNCTION api.create_report_template(uuid, jsonb, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.create_report_template(uuid, jsonb, boolean) TO nightcap_admin;
