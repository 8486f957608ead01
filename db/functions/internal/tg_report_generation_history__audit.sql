-- internal.tg_report_generation_history__audit(): a report's run into the audit log.
CREATE OR REPLACE FUNCTION internal.tg_report_generation_history__audit()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_id constant text := NEW.generation_id::text;
BEGIN
  /*
   * AFTER INSERT, and AFTER UPDATE OF status into a final status, on
   * reporting.report_generation_history, per row (the triggers' WHEN keeps
   * claims, heartbeats, retries and cache hits from calling it):
   *
   *   report_execution.started    the row is written: a report was asked for
   *                               (its data is gathered in the same call)
   *   report_execution.completed  rendered and stored: its files
   *   report_execution.failed     the last render attempt failed, or the
   *                               data could not be gathered
   *   report_execution.skipped    nothing to report (skip_when_empty)
   *
   * A row written already final (skipped, or failed by a reissue) gets both
   * events. Not SECURITY DEFINER: only the engine writes this history (no
   * client role has INSERT or UPDATE on it), as the owner, which may call
   * internal.audit_event; a role that may not write the history fails
   * before this runs.
   */
  IF TG_OP = 'INSERT' THEN
    PERFORM internal.audit_event(
      NEW.organization_id, 'report_execution.started', 'report_execution', v_id, NULL,
      jsonb_build_object('status', NEW.status, 'template_key', NEW.template_key,
                         'template_version', NEW.template_version, 'venue_id', NEW.venue_id,
                         'filters', NEW.filters, 'period_start', NEW.period_start,
                         'period_end', NEW.period_end, 'formats', NEW.formats),
      jsonb_strip_nulls(jsonb_build_object('requested_by', NEW.requested_by, 'job_id', NEW.job_id,
                                           'run_id', NEW.run_id, 'reissue_of', NEW.reissue_of,
                                           'generation_ms', NEW.generation_ms)));
  END IF;
  IF NEW.status IN ('completed', 'failed', 'skipped') THEN
    PERFORM internal.audit_event(
      NEW.organization_id, 'report_execution.' || NEW.status, 'report_execution', v_id,
      CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('status', OLD.status) END,
      jsonb_strip_nulls(jsonb_build_object(
        'status', NEW.status,
        'files', CASE WHEN NEW.status = 'completed' THEN
                   (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                             'format', f ->> 'format', 'key', f ->> 'key', 'bytes', f -> 'bytes',
                             'sha256', f ->> 'sha256')) ORDER BY f ->> 'format')
                      FROM jsonb_array_elements(NEW.files) f) END,
        'skip_reason', NEW.skip_reason, 'error_sqlstate', NEW.error_sqlstate,
        'error_message', NEW.error_message)),
      -- The worker that rendered it (a final failure has already let go of it).
      jsonb_strip_nulls(jsonb_build_object('template_key', NEW.template_key,
                                           'render_worker', coalesce(NEW.render_worker,
                                                                     CASE WHEN TG_OP = 'UPDATE' THEN OLD.render_worker END),
                                           'render_attempts', NEW.render_attempts, 'render_ms', NEW.render_ms)));
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_generation_history__audit() IS
  'Appends report_execution.started when a report is asked for, and .completed (with its files), .failed or .skipped when it ends, to audit.events.';
REVOKE ALL ON FUNCTION internal.tg_report_generation_history__audit() FROM PUBLIC;
