-- internal.run_report_job(job, scheduled_for): a report job's run generates its report for the period then closed.
CREATE OR REPLACE FUNCTION internal.run_report_job(p_job reporting.scheduled_jobs, p_scheduled_for timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_run_id bigint;
  v_count  bigint;
BEGIN
  /*
   * For a job with payload {"task": "generate_report", "template_key",
   * "filters"}: generates the key's report (internal.generate_report) for
   * the job's organization, or for every organization with an active
   * version of the key when it is a system job. The period is the
   * template's period_kind closed at the run's scheduled time on the venue's
   * clock (internal.report_job_period): the 22:00 run on Saturday reports
   * Friday night, even when it runs late. The subscriptions the job serves learn
   * their next delivery. Scheduled reports never come from the cache: each
   * run has its own row (generated, or skipped) for its deliveries. Returns
   * how many reports it generated.
   */
  SELECT r.run_id INTO v_run_id
    FROM reporting.job_runs r WHERE r.job_id = p_job.job_id AND r.scheduled_for = p_scheduled_for;

  SELECT count(internal.generate_report(
           t.template_key, t.organization_id, p.period_start, p.period_end,
           coalesce(p_job.payload -> 'filters', '{}'), NULL, p_job.priority, p_job.job_id, v_run_id, false))
    INTO v_count
    FROM reporting.report_templates t
   CROSS JOIN LATERAL internal.report_job_period(t.organization_id, t.period_kind, p_scheduled_for,
                                                 p_job.payload -> 'filters') p
   WHERE t.template_key = p_job.payload ->> 'template_key' AND t.status = 'active'
     AND (p_job.organization_id IS NULL OR t.organization_id = p_job.organization_id);
  IF v_count = 0 AND p_job.organization_id IS NOT NULL THEN
    RAISE EXCEPTION 'organization % has no active report template %', p_job.organization_id,
      p_job.payload ->> 'template_key' USING ERRCODE = 'P0002';
  END IF;

  PERFORM set_config('nightcap.syncing_report_jobs', 'on', true);  -- not a change to sync
  UPDATE reporting.report_subscriptions s
     SET next_delivery_at = j.next_run_at
    FROM reporting.scheduled_jobs j
   WHERE j.job_id = p_job.job_id AND s.job_id = p_job.job_id
     AND s.next_delivery_at IS DISTINCT FROM j.next_run_at;
  PERFORM set_config('nightcap.syncing_report_jobs', 'off', true);
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.run_report_job(reporting.scheduled_jobs, timestamptz) IS
  'Runs a report job: generates its template''s report for the period closed at the run''s scheduled time (per organization for a system job) and refreshes its subscriptions'' next_delivery_at.';
REVOKE ALL ON FUNCTION internal.run_report_job(reporting.scheduled_jobs, timestamptz) FROM PUBLIC;
