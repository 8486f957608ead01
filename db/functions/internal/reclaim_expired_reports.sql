-- internal.reclaim_expired_reports(): reports whose renderer died go back to the queue, or fail for good.
CREATE OR REPLACE FUNCTION internal.reclaim_expired_reports()
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_taken  integer;
  v_failed bigint[];
BEGIN
  /*
   * Called by every api.claim_reports before it picks, so no reaper is
   * needed: a report still 'rendering' after its lease expired belonged to
   * a daemon that died (SIGKILL, OOM, lost connection). Its attempt is
   * recorded lease_expired; the report is queued again at once, or failed
   * for good when that was its last attempt (a report that kills its daemon
   * every time must not take the fleet down one daemon after another; a
   * scheduled one then alerts and is replaced by the last good report,
   * stale: internal.report_render_failed). Returns how many it took back.
   */
  WITH expired AS (
    SELECT h.organization_id, h.generation_id, h.render_attempts, h.max_render_attempts, h.render_worker
      FROM reporting.report_generation_history h
     WHERE h.status = 'rendering' AND h.lease_expires_at < clock_timestamp()
       FOR UPDATE SKIP LOCKED
  ), attempts AS (
    UPDATE reporting.report_render_attempts a
       SET status = 'lease_expired', finished_at = clock_timestamp()
      FROM expired e
     WHERE a.organization_id = e.organization_id AND a.generation_id = e.generation_id
       AND a.attempt = e.render_attempts AND a.status = 'running'
  ), requeued AS (
    UPDATE reporting.report_generation_history h
       SET status = CASE WHEN e.render_attempts >= e.max_render_attempts THEN 'failed' ELSE 'data_ready' END,
           failed_at = CASE WHEN e.render_attempts >= e.max_render_attempts THEN clock_timestamp() END,
           error_message = CASE WHEN e.render_attempts >= e.max_render_attempts
                                THEN format('renderer %s stopped without finishing (lease expired) on attempt %s of %s',
                                            e.render_worker, e.render_attempts, e.max_render_attempts)
                                ELSE h.error_message END,
           render_worker = NULL, lease_expires_at = NULL, heartbeat_at = NULL
      FROM expired e
     WHERE h.organization_id = e.organization_id AND h.generation_id = e.generation_id
    RETURNING h.generation_id, h.status
  )
  SELECT count(*)::integer, array_agg(r.generation_id) FILTER (WHERE r.status = 'failed')
    INTO v_taken, v_failed
    FROM requeued r;
  PERFORM internal.report_render_failed(h.organization_id, h.generation_id, h.error_message)
     FROM reporting.report_generation_history h
    WHERE h.generation_id = ANY (v_failed);
  RETURN v_taken;
END
$fn$;

COMMENT ON FUNCTION internal.reclaim_expired_reports() IS
  'Takes back reports whose render lease expired (the daemon died): queued again, or failed after their last attempt; returns how many.';
REVOKE ALL ON FUNCTION internal.reclaim_expired_reports() FROM PUBLIC;
