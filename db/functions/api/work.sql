-- api.work(max_seconds, kinds): runs the due in-database jobs (aggregation, maintenance, sql) inside PostgreSQL.
CREATE OR REPLACE FUNCTION api.work(p_max_seconds numeric DEFAULT 50, p_kinds text[] DEFAULT NULL)
RETURNS TABLE (run_id bigint, job_id bigint, attempt integer, status text, error_sqlstate text, error_message text)
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_worker   text := format('pg:%s', pg_backend_pid());
  v_deadline timestamptz := clock_timestamp() + p_max_seconds * interval '1 second';
  v_claim    record;
  v_job      reporting.scheduled_jobs;
  v_result   jsonb;
  v_kinds    text[] := coalesce(p_kinds, ARRAY['aggregation', 'maintenance', 'report', 'sql']);
BEGIN
  /*
   * Called every minute by pg_cron (or `nightcap scheduler`): claims due
   * runs of the in-database job types one at a time and runs each
   * (internal.run_job) in its own subtransaction. A run that raises is
   * rolled back alone and recorded as a failed attempt with its SQLSTATE and
   * message (retried after the back-off while attempts are left); the others
   * keep their work. No new run is started after p_max_seconds (keep it
   * under the calling interval, so two calls rarely overlap; when they do,
   * SKIP LOCKED gives each different runs).
   *
   * It all commits when the call returns; until then other sessions see the
   * runs still queued but locked, and skip them. If the session dies, every
   * run it took is simply queued again. Report jobs generate their
   * snapshots here (internal.run_report_job; the renderer lays them out); a
   * report run that fails for good re-issues the last good report, marked
   * stale (internal.end_attempt, whoever ran it). Returns one row per attempt: the run's new status (succeeded,
   * queued for a retry, failed) and the error, if any.
   *
   * p_kinds: the job types to run (NULL: all four). `nightcap scheduler`
   * with NIGHTCAP_READ_URL passes {aggregation,maintenance,sql} and works
   * the report runs itself, reading their snapshots on a hot standby
   * (renderer.report_reader).
   */
  IF p_max_seconds IS NULL OR p_max_seconds <= 0 THEN
    RAISE EXCEPTION 'work: p_max_seconds must be positive, got %', p_max_seconds USING ERRCODE = '22023';
  END IF;
  IF cardinality(v_kinds) = 0 OR EXISTS (SELECT FROM unnest(v_kinds) k
                                          WHERE k IS NULL OR k NOT IN ('aggregation', 'maintenance', 'report', 'sql')) THEN
    RAISE EXCEPTION 'work: unknown or no job types in %', p_kinds USING ERRCODE = '22023',
      HINT = 'Job types are aggregation, maintenance, report and sql.';
  END IF;
  LOOP
    EXIT WHEN clock_timestamp() >= v_deadline;
    SELECT c.* INTO v_claim
      FROM api.claim_jobs(v_worker, v_kinds, 1, interval '1 day') c;
    EXIT WHEN v_claim.run_id IS NULL;
    SELECT * INTO STRICT v_job FROM reporting.scheduled_jobs j WHERE j.job_id = v_claim.job_id;
    run_id := v_claim.run_id;
    job_id := v_claim.job_id;
    attempt := v_claim.attempt;
    BEGIN
      v_result := internal.run_job(v_job, v_claim.scheduled_for);
      PERFORM api.complete_job(v_claim.run_id, v_result, v_worker);
      status := 'succeeded';
      error_sqlstate := NULL;
      error_message := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS error_sqlstate = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
      status := api.fail_job(v_claim.run_id, error_sqlstate, error_message, v_worker);
    END;
    RETURN NEXT;
    v_claim := NULL;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION api.work(numeric, text[]) IS
  'Runs due aggregation, maintenance, report and sql runs (or those of p_kinds) inside PostgreSQL, each in its own subtransaction (a failure is recorded and retried without undoing the others), starting none after p_max_seconds. Returns each attempt with its outcome.';
REVOKE ALL ON FUNCTION api.work(numeric, text[]) FROM PUBLIC;
