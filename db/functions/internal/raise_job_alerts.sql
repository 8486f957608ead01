-- internal.raise_job_alerts(history, run_status): checks a finished attempt against its job's alert rules.
CREATE OR REPLACE FUNCTION internal.raise_job_alerts(p_history_id bigint, p_run_status text)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_h     reporting.job_execution_history;
  v_name  text;
  v_rule  reporting.job_alerts;
  v_hit   boolean;
  v_msg   text;
  v_n     integer := 0;
BEGIN
  /*
   * Rules for this job, for every job of its organization, or (both NULL)
   * for every system job. What each matches, on the attempt just ended:
   *   failure               the run has failed for good (attempts used up;
   *                         an attempt that will be retried is not one);
   *   consecutive_failures  this and the job's previous threshold_count - 1
   *                         attempts all failed, timed out or lost their lease;
   *   timeout               the attempt timed out;
   *   slow                  the attempt took longer than threshold_duration.
   * missed_run rules are checked by the check_missed_runs task instead, and
   * bounce_rate rules by api.record_provider_event.
   * Returns how many rules matched.
   */
  SELECT * INTO STRICT v_h FROM reporting.job_execution_history WHERE history_id = p_history_id;
  SELECT name INTO v_name FROM reporting.scheduled_jobs WHERE job_id = v_h.job_id;
  FOR v_rule IN
    SELECT * FROM internal.job_alert_rules(v_h.job_id, v_h.organization_id) a
     WHERE a.alert_type IN ('failure', 'consecutive_failures', 'timeout', 'slow')
     ORDER BY a.alert_id
  LOOP
    v_hit := CASE v_rule.alert_type
      WHEN 'failure' THEN p_run_status = 'failed'
      WHEN 'timeout' THEN v_h.status = 'timed_out'
      WHEN 'slow' THEN v_h.duration > v_rule.threshold_duration
      WHEN 'consecutive_failures' THEN v_h.status <> 'succeeded' AND (
        SELECT count(*) = v_rule.threshold_count AND bool_and(l.status <> 'succeeded')
          FROM (SELECT x.status FROM reporting.job_execution_history x
                 WHERE x.job_id = v_h.job_id
                 ORDER BY x.finished_at DESC, x.history_id DESC
                 LIMIT v_rule.threshold_count) l)
      END;
    CONTINUE WHEN NOT v_hit;
    v_msg := CASE v_rule.alert_type
      WHEN 'failure' THEN format('job %s (%s): run %s failed after %s attempts: %s %s',
        v_h.job_id, v_name, v_h.run_id, v_h.attempt, v_h.sqlstate, v_h.message)
      WHEN 'timeout' THEN format('job %s (%s): run %s attempt %s timed out after %s',
        v_h.job_id, v_name, v_h.run_id, v_h.attempt, v_h.duration)
      WHEN 'slow' THEN format('job %s (%s): run %s attempt %s took %s (threshold %s)',
        v_h.job_id, v_name, v_h.run_id, v_h.attempt, v_h.duration, v_rule.threshold_duration)
      ELSE format('job %s (%s): the last %s attempts failed, latest run %s: %s %s',
        v_h.job_id, v_name, v_rule.threshold_count, v_h.run_id, v_h.sqlstate, v_h.message)
      END;
    PERFORM internal.record_alert_event(v_rule.alert_id, v_h.job_id, v_h.run_id, v_msg,
      jsonb_build_object('history_id', v_h.history_id, 'attempt', v_h.attempt, 'status', v_h.status,
                         'sqlstate', v_h.sqlstate, 'duration_s', extract(epoch FROM v_h.duration)));
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END
$fn$;

COMMENT ON FUNCTION internal.raise_job_alerts(bigint, text) IS
  'Checks a finished attempt against the failure, consecutive_failures, timeout and slow rules that cover its job and raises (or counts, within the grace period) their events. Returns how many rules matched.';
REVOKE ALL ON FUNCTION internal.raise_job_alerts(bigint, text) FROM PUBLIC;
