-- api.complete_job(run, result, worker): a worker reports that its attempt succeeded.
CREATE OR REPLACE FUNCTION api.complete_job(p_run_id bigint, p_result jsonb DEFAULT NULL, p_worker text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * p_result is a JSON object (or NULL) kept on the run and in the attempt's
   * history; its keys rows_processed, cpu_ms and memory_kb, when numbers,
   * fill those history columns. Pass p_worker so that a worker whose lease
   * expired (and whose run another worker now holds) is refused (55000)
   * instead of ending the other worker's attempt. The work is
   * api.complete_jobs' for a single run.
   */
  IF p_run_id IS NULL THEN
    RAISE EXCEPTION 'complete_job: a run id is required' USING ERRCODE = '22004';
  END IF;
  PERFORM api.complete_jobs(ARRAY[p_run_id], p_worker, p_result);
END
$fn$;

COMMENT ON FUNCTION api.complete_job(bigint, jsonb, text) IS
  'Ends the running attempt of run p_run_id as succeeded, keeping p_result (a JSON object: rows_processed, cpu_ms, memory_kb are read from it). 55000 if the run is not running or held by another worker than p_worker; P0002 if there is no such run.';
REVOKE ALL ON FUNCTION api.complete_job(bigint, jsonb, text) FROM PUBLIC;
