-- internal.release_waiting_runs(at): queues or skips the waiting runs whose parents have decided.
CREATE OR REPLACE FUNCTION internal.release_waiting_runs(p_at timestamptz)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_run     record;
  v_verdict record;
  v_n       integer := 0;
BEGIN
  /*
   * Called by every claim before it picks runs. Waiting runs are few (only
   * jobs with parents have them) and sit in a small partial index. Oldest
   * first, so a grandchild is judged after its parent in the same pass.
   * Rows another session holds are left for the next claim.
   */
  FOR v_run IN
    SELECT r.run_id, r.job_id, r.scheduled_for
      FROM reporting.job_runs r
     WHERE r.status = 'waiting'
     ORDER BY r.scheduled_for, r.job_id
       FOR UPDATE SKIP LOCKED
  LOOP
    SELECT * INTO v_verdict FROM internal.dependency_verdict(v_run.job_id, v_run.scheduled_for);
    IF v_verdict.verdict = 'go' THEN
      UPDATE reporting.job_runs SET status = 'queued'
       WHERE run_id = v_run.run_id;
      v_n := v_n + 1;
    ELSIF v_verdict.verdict = 'skip' THEN
      UPDATE reporting.job_runs
         SET status = 'skipped', skip_reason = v_verdict.reason, finished_at = p_at
       WHERE run_id = v_run.run_id;
      v_n := v_n + 1;
    END IF;
  END LOOP;
  RETURN v_n;
END
$fn$;

COMMENT ON FUNCTION internal.release_waiting_runs(timestamptz) IS
  'Moves waiting runs on once their parents have decided: to queued, or to skipped with the reason (internal.dependency_verdict). Returns how many moved.';
REVOKE ALL ON FUNCTION internal.release_waiting_runs(timestamptz) FROM PUBLIC;
