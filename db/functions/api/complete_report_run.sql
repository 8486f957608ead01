-- api.complete_report_run(run, worker, generated, result): ends a report run whose reports a worker stored.
-- Not SECURITY DEFINER: only the engine's login (a member of nightcap_owner) works runs.
CREATE OR REPLACE FUNCTION api.complete_report_run(
  p_run_id    bigint,
  p_worker    text,
  p_generated bigint,
  p_result    jsonb DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_job_id bigint;
BEGIN
  /*
   * What api.work does after internal.run_report_job, for a worker that
   * read the run's reports elsewhere: the subscriptions the job serves learn
   * their next delivery (internal.sync_report_subscriptions) and the
   * attempt succeeds with {"task": "generate_report", "rows_processed":
   * p_generated} and p_result's keys (api.complete_job: 55000 when the run
   * is not running by p_worker, P0002 no such run). Call it in the same
   * transaction as the api.store_report_snapshot calls, so the reports and
   * the run's success commit together.
   */
  IF p_run_id IS NULL OR p_worker IS NULL OR p_generated IS NULL THEN
    RAISE EXCEPTION 'complete_report_run needs a run id, a worker and the number generated'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_result IS NOT NULL AND jsonb_typeof(p_result) <> 'object' THEN
    RAISE EXCEPTION 'complete_report_run: p_result must be a JSON object, got %', p_result USING ERRCODE = '22023';
  END IF;
  SELECT r.job_id INTO v_job_id FROM reporting.job_runs r WHERE r.run_id = p_run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no run %', p_run_id USING ERRCODE = 'P0002';
  END IF;
  PERFORM internal.sync_report_subscriptions(v_job_id);
  PERFORM api.complete_job(p_run_id,
                           coalesce(p_result, '{}')
                             || jsonb_build_object('task', 'generate_report', 'rows_processed', p_generated),
                           p_worker);
END
$fn$;

COMMENT ON FUNCTION api.complete_report_run(bigint, text, bigint, jsonb) IS
  'Ends a report run whose reports worker p_worker read (on a standby) and stored: refreshes its subscriptions'' next_delivery_at and completes the attempt with rows_processed = p_generated.';
REVOKE ALL ON FUNCTION api.complete_report_run(bigint, text, bigint, jsonb) FROM PUBLIC;
