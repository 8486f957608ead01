-- api.complete_jobs(runs, worker, result): a worker reports that the attempts of several runs succeeded, in one call.
CREATE OR REPLACE FUNCTION api.complete_jobs(p_run_ids bigint[], p_worker text DEFAULT NULL, p_result jsonb DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
-- One cached plan, by primary key. PL/pgSQL would plan the UPDATE afresh on
-- every call (its generic plan is costed for ten ids, a custom one for the
-- one a worker usually sends), and that planning was a fifth of a
-- one-at-a-time claim that reports a run done.
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
  v_at    timestamptz := clock_timestamp();
  v_n     integer;
  v_id    bigint;
  v_done  bigint[];
  v_check bigint[];
BEGIN
  /*
   * Set-based: one UPDATE marks the runs succeeded and feeds one INSERT of
   * their history rows, so a worker that claimed 50 runs reports them in one
   * round trip at the cost of a few statements, not 50 times five. All or
   * nothing: if any run is unknown (P0002), not running or held by another
   * worker than p_worker (55000), the call raises the error that run would
   * give alone and none is completed. p_result (a JSON object or NULL) goes
   * on every run; its keys rows_processed, cpu_ms and memory_kb, when
   * numbers, fill those history columns. Jobs with alert rules have the new
   * history rows checked against them (the slow rule). Returns how many runs
   * were completed.
   */
  IF p_result IS NOT NULL AND jsonb_typeof(p_result) <> 'object' THEN
    RAISE EXCEPTION 'complete_job: the result must be a JSON object, got %', jsonb_typeof(p_result)
      USING ERRCODE = '22023';
  END IF;
  WITH done AS (
    UPDATE reporting.job_runs r
       SET status = 'succeeded', finished_at = v_at, heartbeat_at = NULL, lease_expires_at = NULL,
           timeout_at = NULL, result = p_result, error_sqlstate = NULL, error_message = NULL
     WHERE r.run_id = ANY (p_run_ids) AND r.status = 'running' AND (p_worker IS NULL OR r.worker = p_worker)
    RETURNING r.run_id, r.job_id, r.organization_id, r.attempt, r.worker, r.started_at
  ), written AS (
    INSERT INTO reporting.job_execution_history
           (run_id, job_id, organization_id, attempt, worker, status, started_at, finished_at,
            rows_processed, result, cpu_ms, memory_kb)
    SELECT d.run_id, d.job_id, d.organization_id, d.attempt, d.worker, 'succeeded', d.started_at,
           greatest(v_at, d.started_at),
           CASE WHEN jsonb_typeof(p_result -> 'rows_processed') = 'number'
                THEN (p_result ->> 'rows_processed')::numeric::bigint END,
           p_result,
           CASE WHEN jsonb_typeof(p_result -> 'cpu_ms') = 'number' THEN (p_result ->> 'cpu_ms')::numeric END,
           CASE WHEN jsonb_typeof(p_result -> 'memory_kb') = 'number'
                THEN (p_result ->> 'memory_kb')::numeric::bigint END
      FROM done d
    RETURNING history_id, run_id, job_id, organization_id
  )
  SELECT count(*), coalesce(array_agg(w.run_id), '{}'),
         coalesce(array_agg(w.history_id ORDER BY w.history_id) FILTER (WHERE EXISTS (
           SELECT 1 FROM internal.job_alert_rules(w.job_id, w.organization_id) a
            WHERE a.alert_type = 'slow')), '{}')
    INTO v_n, v_done, v_check
    FROM written w;

  IF v_n < cardinality(p_run_ids)
     AND v_n < (SELECT count(DISTINCT u) FROM unnest(p_run_ids) u WHERE u IS NOT NULL) THEN
    -- Some run was not completed: raise the error it would give on its own.
    FOR v_id IN SELECT DISTINCT u FROM unnest(p_run_ids) u WHERE u IS NOT NULL AND u <> ALL (v_done) ORDER BY 1 LOOP
      PERFORM internal.running_run(v_id, p_worker, 'complete_job');
    END LOOP;
  END IF;

  FOREACH v_id IN ARRAY v_check LOOP
    PERFORM internal.raise_job_alerts(v_id, 'succeeded');
  END LOOP;
  RETURN v_n;
END
$fn$;

COMMENT ON FUNCTION api.complete_jobs(bigint[], text, jsonb) IS
  'Ends the running attempts of the runs p_run_ids as succeeded in one set-based step (history rows included), all or nothing: P0002 for an unknown run, 55000 for one not running or held by another worker than p_worker. Returns how many were completed.';
REVOKE ALL ON FUNCTION api.complete_jobs(bigint[], text, jsonb) FROM PUBLIC;
