-- api.fail_job(run, sqlstate, message, worker): a worker reports that its attempt failed.
CREATE OR REPLACE FUNCTION api.fail_job(
  p_run_id   bigint,
  p_sqlstate text,
  p_message  text,
  p_worker   text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * The attempt is recorded as failed with its SQLSTATE and message. With
   * attempts left the run is queued again after the job's back-off
   * (capped exponential plus jitter, internal.retry_delay); otherwise it
   * has failed. Returns the run's new status: queued or failed.
   */
  IF p_sqlstate IS NULL OR p_sqlstate !~ '^[0-9A-Z]{5}$' THEN
    RAISE EXCEPTION 'fail_job: % is not a SQLSTATE (five digits or capital letters)', coalesce(p_sqlstate, 'NULL')
      USING ERRCODE = '22023';
  END IF;
  RETURN internal.end_attempt(internal.running_run(p_run_id, p_worker, 'fail_job'),
                              'failed', p_sqlstate, coalesce(p_message, ''), clock_timestamp());
END
$fn$;

COMMENT ON FUNCTION api.fail_job(bigint, text, text, text) IS
  'Ends the running attempt of run p_run_id as failed with SQLSTATE p_sqlstate and p_message; the run is queued again after the back-off while attempts are left, else failed. Returns the new status.';
REVOKE ALL ON FUNCTION api.fail_job(bigint, text, text, text) FROM PUBLIC;
