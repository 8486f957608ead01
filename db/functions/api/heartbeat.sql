-- api.heartbeat(run, worker, lease): a worker renews its lease on a run it is still working on.
CREATE OR REPLACE FUNCTION api.heartbeat(p_run_id bigint, p_worker text, p_lease interval DEFAULT '30 seconds')
RETURNS timestamptz
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_run reporting.job_runs;
  v_at  timestamptz := clock_timestamp();
BEGIN
  /*
   * Moves the lease to now + p_lease, never past the attempt's timeout, and
   * returns it. Raises 55000 when the worker no longer holds the run (it
   * should stop: another worker may have it) and 57014 once the timeout has
   * passed (the next claim will take the run back as timed out).
   */
  IF p_lease IS NULL OR p_lease <= interval '0' THEN
    RAISE EXCEPTION 'heartbeat: p_lease must be positive, got %', p_lease USING ERRCODE = '22023';
  END IF;
  v_run := internal.running_run(p_run_id, coalesce(p_worker, ''), 'heartbeat');
  IF v_run.timeout_at <= v_at THEN
    RAISE EXCEPTION 'heartbeat: run % passed its timeout at %', p_run_id, v_run.timeout_at
      USING ERRCODE = '57014';
  END IF;
  UPDATE reporting.job_runs
     SET heartbeat_at = v_at, lease_expires_at = least(v_at + p_lease, timeout_at)
   WHERE run_id = p_run_id
  RETURNING lease_expires_at INTO v_run.lease_expires_at;
  RETURN v_run.lease_expires_at;
END
$fn$;

COMMENT ON FUNCTION api.heartbeat(bigint, text, interval) IS
  'Renews worker p_worker''s lease on run p_run_id to now + p_lease (capped at the attempt''s timeout) and returns it; 55000 if the worker no longer holds the run, 57014 past the timeout.';
REVOKE ALL ON FUNCTION api.heartbeat(bigint, text, interval) FROM PUBLIC;
