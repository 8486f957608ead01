-- internal.reclaim_expired_runs(at): takes back the running runs whose lease or timeout has passed.
CREATE OR REPLACE FUNCTION internal.reclaim_expired_runs(p_at timestamptz)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_run reporting.job_runs;
  v_n   integer := 0;
BEGIN
  /*
   * Called by every claim, so a crashed worker's run is taken back by the
   * next claim after its lease (30 s by default) rather than after an hour.
   * lease_expires_at never lies past timeout_at (api.heartbeat caps it), so
   * one range scan of the partial index finds both kinds:
   *   timed_out      still running at started_at + the job's timeout (57014);
   *   lease_expired  its worker stopped renewing the lease (08006).
   * Either counts as an attempt (internal.end_attempt): queued again while
   * attempts are left, else failed. Rows another session holds are skipped,
   * not waited for: an api.work transaction still running them, or another
   * claim already reclaiming them.
   */
  FOR v_run IN
    SELECT * FROM reporting.job_runs r
     WHERE r.status = 'running' AND r.lease_expires_at <= p_at
     ORDER BY r.lease_expires_at
       FOR UPDATE SKIP LOCKED
  LOOP
    IF v_run.timeout_at <= p_at THEN
      PERFORM internal.end_attempt(v_run, 'timed_out', '57014',
        format('still running at its timeout (%s after it started)', v_run.timeout_at - v_run.started_at),
        p_at);
    ELSE
      PERFORM internal.end_attempt(v_run, 'lease_expired', '08006',
        format('worker %s stopped renewing its lease (last heartbeat %s)',
               v_run.worker, coalesce(v_run.heartbeat_at, v_run.started_at)),
        p_at);
    END IF;
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END
$fn$;

COMMENT ON FUNCTION internal.reclaim_expired_runs(timestamptz) IS
  'Ends the attempts whose lease expired (lease_expired, 08006) or which passed their timeout (timed_out, 57014), queueing the runs again or failing them; returns how many.';
REVOKE ALL ON FUNCTION internal.reclaim_expired_runs(timestamptz) FROM PUBLIC;
