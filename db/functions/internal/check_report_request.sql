-- internal.check_report_request(...): checks a report request and resolves its template, venue and formats.
CREATE OR REPLACE FUNCTION internal.check_report_request(
  p_template_key     text,
  p_organization_id  uuid,
  p_period_start     date,
  p_period_end       date,
  p_filters          jsonb,
  p_formats          text[],
  p_priority         text,
  p_ensure_templates boolean
)
RETURNS jsonb
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_template reporting.report_templates;
  v_venue_id bigint;
  v_formats  text[];
BEGIN
  /*
   * The checks internal.generate_report makes before it writes anything,
   * in its order, shared with api.compute_report_snapshot (which may run on
   * a hot standby). With p_ensure_templates the organization first gets the
   * system templates it lacks (a write: the primary only); without, a
   * template not there yet is simply not found (P0002), so a standby never
   * writes. Returns {"template_id", "venue_id" (or null), "filters" ({} for
   * NULL), "formats" (distinct, sorted)}.
   */
  IF p_template_key IS NULL OR p_organization_id IS NULL OR p_period_start IS NULL OR p_period_end IS NULL THEN
    RAISE EXCEPTION 'generate_report needs a template key, an organization and a period, got %, %, %, %',
      coalesce(p_template_key, 'NULL'), coalesce(p_organization_id::text, 'NULL'),
      coalesce(p_period_start::text, 'NULL'), coalesce(p_period_end::text, 'NULL')
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT EXISTS (SELECT FROM venue.organizations o WHERE o.organization_id = p_organization_id) THEN
    PERFORM internal.require_organization(p_organization_id);
  END IF;
  IF p_period_end < p_period_start THEN
    RAISE EXCEPTION 'the period ends (%) before it starts (%)', p_period_end, p_period_start
      USING ERRCODE = '22023';
  END IF;
  IF p_period_end - p_period_start > 366 THEN
    RAISE EXCEPTION 'a report covers at most 367 days, got % to %', p_period_start, p_period_end
      USING ERRCODE = '22023';
  END IF;
  IF p_priority IS NULL OR p_priority NOT IN ('low', 'normal', 'high', 'critical') THEN
    RAISE EXCEPTION 'unknown priority %', coalesce(p_priority, 'NULL')
      USING ERRCODE = '22023', HINT = 'One of low, normal, high, critical.';
  END IF;
  p_filters := coalesce(p_filters, '{}');
  IF jsonb_typeof(p_filters) <> 'object' OR p_filters - 'venue_id' <> '{}' THEN
    RAISE EXCEPTION 'unknown report filters %', p_filters
      USING ERRCODE = '22023', HINT = 'Filters: {"venue_id": <a venue of the organization>} or {}.';
  END IF;
  IF p_filters ? 'venue_id' THEN
    IF jsonb_typeof(p_filters -> 'venue_id') <> 'number' OR (p_filters ->> 'venue_id') !~ '^\d+$' THEN
      RAISE EXCEPTION 'filter venue_id must be a venue id, got %', p_filters -> 'venue_id' USING ERRCODE = '22023';
    END IF;
    v_venue_id := (p_filters ->> 'venue_id')::bigint;
    IF NOT EXISTS (SELECT FROM venue.venues v
                    WHERE v.organization_id = p_organization_id AND v.venue_id = v_venue_id) THEN
      RAISE EXCEPTION 'organization % has no venue %', p_organization_id, v_venue_id USING ERRCODE = 'P0002';
    END IF;
  END IF;

  IF p_ensure_templates THEN
    PERFORM internal.ensure_report_templates(p_organization_id);
  END IF;
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = p_organization_id AND t.template_key = p_template_key AND t.status = 'active';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % has no active report template %', p_organization_id, p_template_key
      USING ERRCODE = 'P0002',
            HINT = (SELECT 'Templates: ' || string_agg(t.template_key, ', ' ORDER BY t.template_key)
                      FROM reporting.report_templates t
                     WHERE t.organization_id = p_organization_id AND t.status = 'active');
  END IF;
  v_formats := coalesce(p_formats, v_template.formats);
  IF cardinality(v_formats) = 0 OR NOT v_formats <@ v_template.formats THEN
    RAISE EXCEPTION 'template % cannot be rendered as %', p_template_key,
      coalesce(array_to_string(ARRAY(SELECT f FROM unnest(v_formats) f WHERE f IS NULL OR f <> ALL (v_template.formats)), ', ', 'NULL'), 'nothing')
      USING ERRCODE = '22023', HINT = format('Its formats: %s.', array_to_string(v_template.formats, ', '));
  END IF;
  v_formats := ARRAY(SELECT DISTINCT f FROM unnest(v_formats) f ORDER BY f);
  RETURN jsonb_build_object('template_id', v_template.template_id, 'venue_id', v_venue_id,
                            'filters', p_filters, 'formats', to_jsonb(v_formats));
END
$fn$;

COMMENT ON FUNCTION internal.check_report_request(text, uuid, date, date, jsonb, text[], text, boolean) IS
  'Checks a report request as generate_report does (22004, P0002, 22023) and returns its template_id, venue_id, filters and sorted formats; creates missing system templates only when asked (never on a standby).';
REVOKE ALL ON FUNCTION internal.check_report_request(text, uuid, date, date, jsonb, text[], text, boolean) FROM PUBLIC;
