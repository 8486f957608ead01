-- api.enqueue_run(job, scheduled_for): runs a job now (or for a given time) by hand.
CREATE OR REPLACE FUNCTION api.enqueue_run(p_job_id bigint, p_scheduled_for timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_job    reporting.scheduled_jobs;
  v_run_id bigint;
BEGIN
  /*
   * For a DBA: `SELECT api.enqueue_run(42);` queues a run of job 42 beside
   * its schedule, e.g. to re-run a failed night. The ledger's uniqueness
   * holds here too: a run for the same instant already there raises 23505.
   * A disabled job may be run by hand. Returns the new run's id.
   */
  SELECT * INTO v_job FROM reporting.scheduled_jobs WHERE job_id = p_job_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'enqueue_run: no job %', p_job_id USING ERRCODE = 'P0002';
  END IF;
  IF p_scheduled_for IS NULL THEN
    RAISE EXCEPTION 'enqueue_run: p_scheduled_for is required' USING ERRCODE = '22023';
  END IF;
  INSERT INTO reporting.job_runs (job_id, organization_id, job_type, priority, scheduled_for, run_after, status)
  VALUES (v_job.job_id, v_job.organization_id, v_job.job_type,
          internal.priority_rank(v_job.priority),
          p_scheduled_for, p_scheduled_for,
          CASE WHEN EXISTS (SELECT 1 FROM reporting.job_dependencies d WHERE d.child_job_id = p_job_id)
               THEN 'waiting' ELSE 'queued' END)
  RETURNING run_id INTO v_run_id;
  RETURN v_run_id;
EXCEPTION WHEN unique_violation THEN
  RAISE EXCEPTION 'enqueue_run: job % already has a run for %', p_job_id, p_scheduled_for
    USING ERRCODE = '23505';
END
$fn$;

COMMENT ON FUNCTION api.enqueue_run(bigint, timestamptz) IS
  'Queues a run of job p_job_id for p_scheduled_for (default now) by hand, waiting for its parents if it has any; 23505 if that run exists, P0002 if the job does not.';
REVOKE ALL ON FUNCTION api.enqueue_run(bigint, timestamptz) FROM PUBLIC;
