-- internal.dependency_verdict(job, scheduled_for): may a child job's run go ahead, wait, or be skipped?
CREATE OR REPLACE FUNCTION internal.dependency_verdict(p_job_id bigint, p_scheduled_for timestamptz)
RETURNS TABLE (verdict text, reason text)
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_since  timestamptz;
  v_dep    record;
  v_parent record;
  v_wait   boolean := false;
BEGIN
  /*
   * The period of a child's run is the time since the child's previous run:
   * (its previous scheduled_for, this scheduled_for]. For each parent, the
   * parent's run of that period is its latest run scheduled in it, so a
   * report at 22:00 waits for the 02:00 aggregation of the same day, and a
   * daily job under an hourly one waits for the last hourly run before it.
   *   parent run queued, waiting or running         → wait (any condition);
   *   no parent run yet, but the parent is due by
   *   then and not yet enqueued (next_run_at)       → wait;
   *   parent run succeeded                          → go;
   *   parent run failed / skipped / cancelled       → success: skip;
   *                                                   completion, always: go;
   *   no parent run in the period at all            → success, completion: skip;
   *                                                   always: go.
   * Any skip skips the child; else any wait waits; else it goes. The reason
   * names the parent, so the skipped run says why.
   */
  SELECT max(r.scheduled_for) INTO v_since
    FROM reporting.job_runs r
   WHERE r.job_id = p_job_id AND r.scheduled_for < p_scheduled_for;

  FOR v_dep IN
    SELECT d.parent_job_id, d.condition, j.name, j.enabled, j.next_run_at
      FROM reporting.job_dependencies d
      JOIN reporting.scheduled_jobs j ON j.job_id = d.parent_job_id
     WHERE d.child_job_id = p_job_id
     ORDER BY d.parent_job_id
  LOOP
    SELECT r.run_id, r.status, r.scheduled_for INTO v_parent
      FROM reporting.job_runs r
     WHERE r.job_id = v_dep.parent_job_id
       AND r.scheduled_for <= p_scheduled_for
       AND r.scheduled_for > coalesce(v_since, '-infinity')
     ORDER BY r.scheduled_for DESC
     LIMIT 1;
    IF v_parent.run_id IS NULL THEN
      IF v_dep.enabled AND v_dep.next_run_at <= p_scheduled_for THEN
        v_wait := true;
      ELSIF v_dep.condition <> 'always' THEN
        RETURN QUERY SELECT 'skip', format('parent job %s (%s) has no run in this period (after %s, up to %s)',
          v_dep.parent_job_id, v_dep.name, coalesce(v_since::text, 'the start'), p_scheduled_for);
        RETURN;
      END IF;
    ELSIF v_parent.status IN ('waiting', 'queued', 'running') THEN
      v_wait := true;
    ELSIF v_parent.status <> 'succeeded' AND v_dep.condition = 'success' THEN
      RETURN QUERY SELECT 'skip', format('parent job %s (%s) run %s of %s was %s',
        v_dep.parent_job_id, v_dep.name, v_parent.run_id, v_parent.scheduled_for, v_parent.status);
      RETURN;
    END IF;
  END LOOP;
  RETURN QUERY SELECT CASE WHEN v_wait THEN 'wait' ELSE 'go' END, NULL::text;
END
$fn$;

COMMENT ON FUNCTION internal.dependency_verdict(bigint, timestamptz) IS
  'For a run of a job with parents: go, wait, or skip (with the reason), judged on each parent''s run of the same period and the dependency''s condition.';
REVOKE ALL ON FUNCTION internal.dependency_verdict(bigint, timestamptz) FROM PUBLIC;
