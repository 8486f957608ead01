-- internal.run_job(job, scheduled_for): does the work of one in-database run and says what it did.
CREATE OR REPLACE FUNCTION internal.run_job(p_job reporting.scheduled_jobs, p_scheduled_for timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_task  text := p_job.payload ->> 'task';
  v_local date := (p_scheduled_for AT TIME ZONE p_job.timezone)::date;
  v_keep  interval;
  v_rows  bigint;
  v_more  bigint;
  v_extra jsonb := '{}';
BEGIN
  /*
   * The dispatcher of api.work, by job type and the payload's task
   * (internal.job_tasks() lists them; internal.check_job_payload has checked
   * the payload when the job was written). Dates come from the run's
   * scheduled time on the job's own clock, not from today: a daily
   * aggregation run caught up a day late still rebuilds the day it was
   * scheduled for. Returns {"task": ..., "rows_processed": n}, and for
   * apply_retention what it removed, per organization.
   */
  CASE
  WHEN p_job.job_type = 'report' THEN
    IF v_task IS DISTINCT FROM 'generate_report' THEN
      RAISE EXCEPTION 'report job % (%) names no template to generate', p_job.job_id, p_job.name
        USING ERRCODE = '22023',
              HINT = 'Set its payload to {"task": "generate_report", "template_key": "daily_summary"}, or subscribe recipients (reporting.report_subscriptions) and let nightcap make the job.';
    END IF;
    v_rows := internal.run_report_job(p_job, p_scheduled_for);
  WHEN p_job.job_type = 'sql' THEN
    EXECUTE p_job.payload ->> 'sql';
    GET DIAGNOSTICS v_rows = ROW_COUNT;
  WHEN v_task = 'hourly_aggregations' THEN
    v_rows := api.process_hourly_aggregations((p_job.payload ->> 'max_marks')::integer);
  WHEN v_task = 'daily_aggregations' THEN
    v_rows := api.process_daily_aggregations(
      v_local - coalesce((p_job.payload ->> 'days_back')::integer, 1), p_job.organization_id);
  WHEN v_task = 'customer_analytics' THEN
    SELECT coalesce(sum(api.process_customer_analytics(o.organization_id, v_local)), 0) INTO v_rows
      FROM venue.organizations o
     WHERE p_job.organization_id IS NULL OR o.organization_id = p_job.organization_id;
  WHEN v_task = 'clear_metrics_cache' THEN
    v_rows := api.clear_metrics_cache(p_job.organization_id);
  WHEN v_task = 'refresh_summary_views' THEN
    SELECT count(*) INTO v_rows
      FROM api.refresh_summary_views(CASE
        WHEN p_job.payload ? 'views' THEN ARRAY(SELECT jsonb_array_elements_text(p_job.payload -> 'views'))
        ELSE ARRAY['weekly_summary_view', 'monthly_summary_view', 'top_customers_view'] END);
  WHEN v_task = 'purge_cron_history' THEN
    v_keep := coalesce((p_job.payload ->> 'keep')::interval, interval '14 days');
    IF to_regclass('cron.job_run_details') IS NULL THEN
      v_rows := 0;
    ELSE
      EXECUTE 'DELETE FROM cron.job_run_details WHERE end_time < $1' USING clock_timestamp() - v_keep;
      GET DIAGNOSTICS v_rows = ROW_COUNT;
    END IF;
  WHEN v_task = 'archive_job_history' THEN
    v_keep := coalesce((p_job.payload ->> 'keep')::interval, interval '90 days');
    -- The ledger's finished runs, then the attempt history, each by its own age.
    DELETE FROM reporting.job_runs
     WHERE status IN ('succeeded', 'failed', 'skipped', 'cancelled')
       AND finished_at < clock_timestamp() - v_keep;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DELETE FROM reporting.job_execution_history WHERE finished_at < clock_timestamp() - v_keep;
    GET DIAGNOSTICS v_more = ROW_COUNT;
    v_rows := v_rows + v_more;
  WHEN v_task = 'apply_retention' THEN
    v_extra := internal.apply_retention(p_job.organization_id, clock_timestamp());
    v_rows := (v_extra ->> 'reports_expired')::bigint + (v_extra ->> 'deliveries_redacted')::bigint;
  WHEN v_task = 'kpi_alerts' THEN
    SELECT count(*) INTO v_rows
      FROM venue.organizations o
     CROSS JOIN LATERAL api.evaluate_kpi_alerts(
             o.organization_id, v_local - coalesce((p_job.payload ->> 'days_back')::integer, 1),
             v_local - coalesce((p_job.payload ->> 'days_back')::integer, 1)) e
     WHERE p_job.organization_id IS NULL OR o.organization_id = p_job.organization_id;
  WHEN v_task = 'create_fact_partitions' THEN
    v_rows := internal.ensure_fact_partitions(
      v_local, (v_local + make_interval(months => coalesce((p_job.payload ->> 'months_ahead')::integer, 3)))::date);
    -- Autovacuum analyses the partitions but never their parents, whose
    -- statistics the planner uses for joins over the whole table: refresh
    -- them nightly (a sample of each month, seconds at ten million rows).
    ANALYZE venue.payments, venue.check_ins;
  WHEN v_task = 'check_missed_runs' THEN
    v_rows := internal.check_missed_runs(
      clock_timestamp() - coalesce((p_job.payload ->> 'window')::interval, interval '1 day'),
      clock_timestamp());
  ELSE
    RAISE EXCEPTION 'run_job: job % (%) has no task api.work can run: % %',
      p_job.job_id, p_job.name, p_job.job_type, p_job.payload
      USING ERRCODE = '22023';
  END CASE;
  RETURN jsonb_strip_nulls(jsonb_build_object('task', v_task, 'rows_processed', v_rows)) || v_extra;
END
$fn$;

COMMENT ON FUNCTION internal.run_job(reporting.scheduled_jobs, timestamptz) IS
  'Runs one in-database run (aggregation, maintenance, report or sql job) for its scheduled time on the job''s clock and returns {"task", "rows_processed"} (apply_retention: its counts too).';
REVOKE ALL ON FUNCTION internal.run_job(reporting.scheduled_jobs, timestamptz) FROM PUBLIC;
