-- api.validate_report_data(generation): checks a report's data, records the warnings, skips it when empty and so configured.
-- SECURITY DEFINER: stores warnings on the engine's history row, which no client writes directly; internal.require_member checks the caller (admin or manager of the report's organization) first.
CREATE OR REPLACE FUNCTION api.validate_report_data(p_generation_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_gen      reporting.report_generation_history;
  v_template reporting.report_templates;
  v_warnings jsonb;
  v_verdict  text;
BEGIN
  /*
   * Re-checks the data behind generation p_generation_id as it is now
   * (internal.report_warnings: no trading, days awaiting re-aggregation,
   * data-quality findings, revenue far from comparable periods), stores
   * the warnings on the row and returns {"generation_id", "verdict",
   * "warnings"}. verdict: ok (no warnings), warnings, or skipped: a report
   * not yet rendered (queued or data_ready) of an empty period whose
   * template is skipped when empty is marked skipped with the reason.
   * P0002 when there is no such generation.
   */
  SELECT * INTO v_gen FROM reporting.report_generation_history h WHERE h.generation_id = p_generation_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no report generation %', coalesce(p_generation_id::text, 'NULL') USING ERRCODE = 'P0002';
  END IF;
  PERFORM internal.require_member(v_gen.organization_id, '{admin,manager}');
  SELECT * INTO STRICT v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = v_gen.organization_id AND t.template_id = v_gen.template_id;
  v_warnings := internal.report_warnings(v_gen.organization_id, v_gen.venue_id, v_gen.period_start, v_gen.period_end);
  v_verdict := CASE WHEN v_warnings = '[]' THEN 'ok' ELSE 'warnings' END;
  IF v_warnings @> '[{"code": "empty"}]' AND v_template.skip_when_empty AND v_gen.status IN ('queued', 'data_ready') THEN
    v_verdict := 'skipped';
  END IF;
  UPDATE reporting.report_generation_history h
     SET warnings = v_warnings,
         status = CASE WHEN v_verdict = 'skipped' THEN 'skipped' ELSE h.status END,
         skip_reason = CASE WHEN v_verdict = 'skipped'
                            THEN format('no trading from %s to %s, and template %s is skipped when empty',
                                        h.period_start, h.period_end, h.template_key)
                            ELSE h.skip_reason END
   WHERE h.organization_id = v_gen.organization_id AND h.generation_id = v_gen.generation_id;
  RETURN jsonb_build_object('generation_id', p_generation_id, 'verdict', v_verdict, 'warnings', v_warnings);
END
$fn$;

COMMENT ON FUNCTION api.validate_report_data(bigint) IS
  'Re-checks a generated report''s data (empty, incomplete, data-quality findings, anomalous revenue), stores the warnings, skips an unrendered empty report whose template says so; returns the verdict.';
REVOKE ALL ON FUNCTION api.validate_report_data(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.validate_report_data(bigint) TO nightcap_admin, nightcap_manager;
