-- api.fail_report(generation, worker, message): a render attempt failed; retried after a back-off, or failed for good.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.fail_report(
  p_generation_id bigint,
  p_worker        text,
  p_message       text
)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_report reporting.report_generation_history;
  v_final  boolean;
BEGIN
  /*
   * Records a failed render attempt (a template error, a snapshot that does
   * not fit its template, a full disk) with its message. While attempts are
   * left the report goes back to data_ready and waits the job engine's
   * back-off (internal.retry_delay: 1, 2, 4 minutes ... plus jitter), so a
   * poison report is retried a few times, never in a tight loop; after
   * max_render_attempts it is failed for good: a scheduled report's job
   * then alerts and the last good report goes out again, stale
   * (internal.report_render_failed). Returns the report's new status. P0002 / 55000 as api.heartbeat_report.
   */
  IF p_message IS NULL OR btrim(p_message) = '' THEN
    RAISE EXCEPTION 'fail_report: say what failed (p_message)' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  v_report := internal.rendering_report(p_generation_id, p_worker, 'fail_report');
  v_final := v_report.render_attempts >= v_report.max_render_attempts;
  UPDATE reporting.report_render_attempts a
     SET status = 'failed', finished_at = clock_timestamp(), error_message = p_message
   WHERE a.organization_id = v_report.organization_id AND a.generation_id = p_generation_id
     AND a.attempt = v_report.render_attempts;
  UPDATE reporting.report_generation_history h
     SET status = CASE WHEN v_final THEN 'failed' ELSE 'data_ready' END,
         failed_at = CASE WHEN v_final THEN clock_timestamp() END,
         error_message = p_message,
         render_after = CASE WHEN v_final THEN NULL
                             ELSE clock_timestamp()
                                  + internal.retry_delay(interval '1 minute', interval '30 minutes', 0.1,
                                                         v_report.render_attempts) END,
         render_worker = NULL, lease_expires_at = NULL, heartbeat_at = NULL
   WHERE h.organization_id = v_report.organization_id AND h.generation_id = p_generation_id;
  IF v_final THEN
    PERFORM internal.report_render_failed(v_report.organization_id, p_generation_id, p_message);
  END IF;
  RETURN CASE WHEN v_final THEN 'failed' ELSE 'data_ready' END;
END
$fn$;

COMMENT ON FUNCTION api.fail_report(bigint, text, text) IS
  'Records a failed render attempt: the report waits the job engine''s back-off and is retried, or is failed for good after max_render_attempts; returns its new status.';
REVOKE ALL ON FUNCTION api.fail_report(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.fail_report(bigint, text, text) TO nightcap_renderer;
