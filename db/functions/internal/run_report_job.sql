-- internal.run_report_job(job, scheduled_for): a report job's run generates its report for the period then closed.
CREATE OR REPLACE FUNCTION internal.run_report_job(p_job reporting.scheduled_jobs, p_scheduled_for timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_count bigint;
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
   * how many reports it generated. `nightcap scheduler` with NIGHTCAP_READ_URL
   * runs the same requests (internal.report_run_requests) reading on a
   * standby instead (api.report_run_requests, api.complete_report_run).
   */
  SELECT count(internal.generate_report(
           q.template_key, q.organization_id, q.period_start, q.period_end, q.filters, NULL, q.priority,
           q.job_id, q.run_id, false))
    INTO v_count
    FROM internal.report_run_requests(p_job, p_scheduled_for) q;
  PERFORM internal.sync_report_subscriptions(p_job.job_id);
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.run_report_job(reporting.scheduled_jobs, timestamptz) IS
  'Runs a report job: generates its template''s report for the period closed at the run''s scheduled time (per organization for a system job) and refreshes its subscriptions'' next_delivery_at.';
REVOKE ALL ON FUNCTION internal.run_report_job(reporting.scheduled_jobs, timestamptz) FROM PUBLIC;
