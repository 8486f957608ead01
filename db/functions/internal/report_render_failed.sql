-- internal.report_render_failed(organization, generation, message): a scheduled report could not be rendered for good.
CREATE OR REPLACE FUNCTION internal.report_render_failed(
  p_organization_id uuid,
  p_generation_id   bigint,
  p_message         text
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_report reporting.report_generation_history;
  v_alert  bigint;
BEGIN
  /*
   * Called when a report's last render attempt failed (api.fail_report) or
   * its last renderer died (internal.reclaim_expired_reports). For a report
   * of a job, the job's failure alert rules fire (the data was made, but
   * nobody will receive it), and the last good report of the same template
   * and scope is issued again, marked stale (internal.reissue_previous_report).
   * Returns the stale re-issue's id, or NULL.
   */
  SELECT * INTO v_report
    FROM reporting.report_generation_history h
   WHERE h.organization_id = p_organization_id AND h.generation_id = p_generation_id;
  IF v_report.job_id IS NULL THEN
    RETURN NULL;
  END IF;
  FOR v_alert IN
    SELECT a.alert_id FROM internal.job_alert_rules(v_report.job_id, p_organization_id) a
     WHERE a.alert_type = 'failure'
  LOOP
    PERFORM internal.record_alert_event(v_alert, v_report.job_id, v_report.run_id,
      format('report %s (%s, %s to %s) could not be rendered: %s', p_generation_id, v_report.template_key,
             v_report.period_start, v_report.period_end, p_message),
      jsonb_build_object('generation_id', p_generation_id, 'render_attempts', v_report.render_attempts));
  END LOOP;
  RETURN internal.reissue_previous_report(p_organization_id, p_generation_id, format('rendered (%s)', p_message));
END
$fn$;

COMMENT ON FUNCTION internal.report_render_failed(uuid, bigint, text) IS
  'For a scheduled report whose rendering failed for good: fires the job''s failure alerts and re-issues the last good report, stale.';
REVOKE ALL ON FUNCTION internal.report_render_failed(uuid, bigint, text) FROM PUBLIC;
