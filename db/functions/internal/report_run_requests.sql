-- internal.report_run_requests(job, scheduled_for): the reports a report job's run generates.
CREATE OR REPLACE FUNCTION internal.report_run_requests(p_job reporting.scheduled_jobs, p_scheduled_for timestamptz)
RETURNS TABLE (template_key text, organization_id uuid, period_start date, period_end date, filters jsonb,
               priority text, job_id bigint, run_id bigint)
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
  /*
   * For a job with payload {"task": "generate_report", "template_key",
   * "filters"}: one request for the job's organization, or one per
   * organization with an active version of the key when it is a system
   * job, each for the template's period_kind closed at the run's scheduled
   * time on the venue's clock (internal.report_job_period). Raises P0002
   * when an organization's job finds no active template. Shared by
   * internal.run_report_job (in the database) and api.report_run_requests
   * (the scheduler reading on a standby), so both generate the same reports.
   */
  RETURN QUERY
  SELECT t.template_key, t.organization_id, p.period_start, p.period_end,
         coalesce(p_job.payload -> 'filters', '{}'), p_job.priority::text, p_job.job_id, r.run_id
    FROM reporting.report_templates t
   CROSS JOIN LATERAL internal.report_job_period(t.organization_id, t.period_kind, p_scheduled_for,
                                                 p_job.payload -> 'filters') p
    LEFT JOIN reporting.job_runs r ON r.job_id = p_job.job_id AND r.scheduled_for = p_scheduled_for
   WHERE t.template_key = p_job.payload ->> 'template_key' AND t.status = 'active'
     AND (p_job.organization_id IS NULL OR t.organization_id = p_job.organization_id);
  IF NOT FOUND AND p_job.organization_id IS NOT NULL THEN
    RAISE EXCEPTION 'organization % has no active report template %', p_job.organization_id,
      p_job.payload ->> 'template_key' USING ERRCODE = 'P0002';
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.report_run_requests(reporting.scheduled_jobs, timestamptz) IS
  'The reports (template, organization, period, filters, priority, job, run) a report job''s run at p_scheduled_for generates; P0002 when an organization''s job has no active template.';
REVOKE ALL ON FUNCTION internal.report_run_requests(reporting.scheduled_jobs, timestamptz) FROM PUBLIC;
