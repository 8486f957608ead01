-- internal.end_attempt(run, status, sqlstate, message, at): records how a run's attempt failed and what happens next.
CREATE OR REPLACE FUNCTION internal.end_attempt(
  p_run      reporting.job_runs,
  p_status   text,
  p_sqlstate text,
  p_message  text,
  p_at       timestamptz)
RETURNS text
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_job      reporting.scheduled_jobs;
  v_next     text;
  v_retry_at timestamptz;
  v_history  bigint;
BEGIN
  /*
   * The one place an attempt fails, for api.fail_job and the claims that
   * take back expired leases (internal.reclaim_expired_runs); success is
   * api.complete_jobs'. The caller holds the run's row lock and has checked
   * that it is running.
   *
   *   failed / timed_out /
   *   lease_expired, with
   *   attempts left              → queued again: after the back-off
   *                                (internal.retry_delay), except a lost
   *                                lease, which is retried at once (the
   *                                worker died; the job did not fail);
   *   ... with none left         → the run failed.
   * One row goes into reporting.job_execution_history, then the job's alert
   * rules, if it has any, look at it. A report job's run that failed for good
   * (whoever ran it, and however: an error, a timeout, a lost worker)
   * re-issues the last good report, stale (internal.reissue_last_report).
   * Returns the run's new status.
   */
  SELECT * INTO STRICT v_job FROM reporting.scheduled_jobs WHERE job_id = p_run.job_id;

  IF p_status NOT IN ('failed', 'timed_out', 'lease_expired') THEN
    RAISE EXCEPTION 'end_attempt: % is not a failure', p_status USING ERRCODE = '22023';
  END IF;
  IF p_run.attempt < v_job.max_attempts THEN
    v_next := 'queued';
    v_retry_at := p_at + CASE WHEN p_status = 'lease_expired' THEN interval '0'
                              ELSE internal.retry_delay(v_job.backoff_base, v_job.backoff_cap,
                                                        v_job.backoff_jitter, p_run.attempt) END;
  ELSE
    v_next := 'failed';
  END IF;

  INSERT INTO reporting.job_execution_history
         (run_id, job_id, organization_id, attempt, worker, status, started_at, finished_at,
          sqlstate, message, retry_at)
  VALUES (p_run.run_id, p_run.job_id, p_run.organization_id, p_run.attempt, p_run.worker, p_status,
          p_run.started_at, greatest(p_at, p_run.started_at), p_sqlstate, p_message, v_retry_at)
  RETURNING history_id INTO v_history;

  UPDATE reporting.job_runs
     SET status           = v_next,
         run_after        = coalesce(v_retry_at, run_after),
         worker           = CASE WHEN v_next = 'queued' THEN NULL ELSE worker END,
         heartbeat_at     = NULL,
         lease_expires_at = NULL,
         timeout_at       = NULL,
         finished_at      = CASE WHEN v_next = 'queued' THEN NULL ELSE p_at END,
         result           = NULL,
         error_sqlstate   = p_sqlstate,
         error_message    = p_message
   WHERE run_id = p_run.run_id;

  IF EXISTS (SELECT 1 FROM internal.job_alert_rules(p_run.job_id, p_run.organization_id) a
              WHERE a.alert_type IN ('failure', 'consecutive_failures', 'timeout', 'slow')) THEN
    PERFORM internal.raise_job_alerts(v_history, v_next);
  END IF;
  IF v_next = 'failed' AND v_job.job_type = 'report' AND v_job.payload ->> 'task' = 'generate_report' THEN
    BEGIN
      PERFORM internal.reissue_last_report(v_job, p_run.scheduled_for, p_run.run_id, p_sqlstate, p_message);
    EXCEPTION WHEN OTHERS THEN
      -- The failure is recorded either way; a broken fallback must not undo it.
      RAISE WARNING 'end_attempt: re-issuing the last report of job % failed: %', v_job.job_id, SQLERRM;
    END;
  END IF;
  RETURN v_next;
END
$fn$;

COMMENT ON FUNCTION internal.end_attempt(reporting.job_runs, text, text, text, timestamptz) IS
  'Ends a running attempt that failed, timed out or lost its lease: writes its history row, queues the run again after the back-off (at once for a lost lease) while attempts are left, else marks it failed, and raises the job''s alerts. Returns the new status.';
REVOKE ALL ON FUNCTION internal.end_attempt(reporting.job_runs, text, text, text, timestamptz) FROM PUBLIC;
