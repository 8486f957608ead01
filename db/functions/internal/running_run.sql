-- internal.running_run(run, worker, caller): the run's row, locked, checked to be running (for that worker).
CREATE OR REPLACE FUNCTION internal.running_run(p_run_id bigint, p_worker text, p_caller text)
RETURNS reporting.job_runs
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_run reporting.job_runs;
BEGIN
  /*
   * What api.heartbeat, api.complete_job and api.fail_job check before they
   * touch a run: that it exists (P0002), is running (55000: it may have
   * finished, or its lease expired and a claim took it back) and, when the
   * caller names its worker, is held by that worker (55000), so a worker that
   * lost its lease cannot end another worker's attempt.
   */
  SELECT * INTO v_run FROM reporting.job_runs WHERE run_id = p_run_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION '%: no run %', p_caller, p_run_id USING ERRCODE = 'P0002';
  END IF;
  IF v_run.status <> 'running' THEN
    RAISE EXCEPTION '%: run % is %, not running', p_caller, p_run_id, v_run.status
      USING ERRCODE = '55000',
            HINT = 'Its lease may have expired and a claim taken it back; the attempt''s work is not recorded.';
  END IF;
  IF p_worker IS NOT NULL AND v_run.worker IS DISTINCT FROM p_worker THEN
    RAISE EXCEPTION '%: run % is held by worker %, not %', p_caller, p_run_id, v_run.worker, p_worker
      USING ERRCODE = '55000';
  END IF;
  RETURN v_run;
END
$fn$;

COMMENT ON FUNCTION internal.running_run(bigint, text, text) IS
  'Locks and returns a running run, raising P0002 when there is no such run and 55000 when it is not running or is held by another worker.';
REVOKE ALL ON FUNCTION internal.running_run(bigint, text, text) FROM PUBLIC;
