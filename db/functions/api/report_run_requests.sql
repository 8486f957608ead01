-- api.report_run_requests(run, worker): the reports a claimed report run must generate, for a worker that reads them on a standby.
-- Not SECURITY DEFINER: only the engine's login (a member of nightcap_owner) works runs.
CREATE OR REPLACE FUNCTION api.report_run_requests(p_run_id bigint, p_worker text)
RETURNS TABLE (template_key text, organization_id uuid, period_start date, period_end date, filters jsonb,
               priority text, job_id bigint, run_id bigint)
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_run reporting.job_runs;
  v_job reporting.scheduled_jobs;
BEGIN
  /*
   * For `nightcap scheduler` with NIGHTCAP_READ_URL: after claiming a report
   * run (api.claim_jobs with kinds {report}), the requests api.work would
   * generate for it (internal.report_run_requests: the same templates,
   * organizations and periods). The worker reads each snapshot
   * (api.compute_report_snapshot, on the standby or the primary), stores it
   * (api.store_report_snapshot with the job and run) and ends the run with
   * api.complete_report_run, or api.fail_job.
   *
   * Errors: 22004 a missing argument; P0002 no such run, or an
   * organization's job without an active template; 55000 a run not running
   * or held by another worker; 22023 not a report run, or its job names no
   * template.
   */
  IF p_run_id IS NULL OR p_worker IS NULL THEN
    RAISE EXCEPTION 'report_run_requests needs a run id and a worker' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO v_run FROM reporting.job_runs r WHERE r.run_id = p_run_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no run %', p_run_id USING ERRCODE = 'P0002';
  END IF;
  IF v_run.status <> 'running' OR v_run.worker IS DISTINCT FROM p_worker THEN
    RAISE EXCEPTION 'run % is % by %, not running by %', p_run_id, v_run.status, coalesce(v_run.worker, 'nobody'), p_worker
      USING ERRCODE = '55000', HINT = 'Claim it first (api.claim_jobs).';
  END IF;
  SELECT * INTO STRICT v_job FROM reporting.scheduled_jobs j WHERE j.job_id = v_run.job_id;
  IF v_job.job_type <> 'report' OR v_job.payload ->> 'task' IS DISTINCT FROM 'generate_report' THEN
    RAISE EXCEPTION 'run % is of job % (%), which generates no report', p_run_id, v_job.job_id, v_job.name
      USING ERRCODE = '22023';
  END IF;
  RETURN QUERY SELECT * FROM internal.report_run_requests(v_job, v_run.scheduled_for);
END
$fn$;

COMMENT ON FUNCTION api.report_run_requests(bigint, text) IS
  'The reports (template, organization, period, filters, priority, job, run) a report run claimed by p_worker generates, as api.work would; for a worker reading them on a hot standby.';
REVOKE ALL ON FUNCTION api.report_run_requests(bigint, text) FROM PUBLIC;
