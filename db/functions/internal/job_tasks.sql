-- internal.job_tasks(): the tasks in-database jobs may run, with their parameters.
CREATE OR REPLACE FUNCTION internal.job_tasks()
RETURNS TABLE (job_type text, task text, parameters jsonb, description text)
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * An aggregation or maintenance job names one of these in its payload
   * ({"task": "...", parameters...}); internal.check_job_payload refuses
   * anything else when the job is written, and internal.run_job runs it.
   * parameters maps each optional parameter to its type. A sql job instead
   * carries {"sql": "..."}, run as written by whoever runs api.work.
   */
  VALUES
    ('aggregation', 'hourly_aggregations', '{"max_marks": "integer"}'::jsonb,
     'Rebuild the venue-days whose facts changed (api.process_hourly_aggregations).'),
    ('aggregation', 'daily_aggregations', '{"days_back": "integer"}',
     'Rebuild the trading day days_back (default 1) before the run''s local date, for the job''s organization or all (api.process_daily_aggregations).'),
    ('aggregation', 'customer_analytics', '{}',
     'Customer analytics as of the run''s local date, for the job''s organization or each (api.process_customer_analytics).'),
    ('maintenance', 'clear_metrics_cache', '{}',
     'Empty the metrics cache of the job''s organization, or all (api.clear_metrics_cache).'),
    ('maintenance', 'refresh_summary_views', '{"views": "text[]"}',
     'Refresh the materialised summary views named, default all (api.refresh_summary_views).'),
    ('maintenance', 'purge_cron_history', '{"keep": "interval"}',
     'Delete pg_cron''s cron.job_run_details older than keep (default 14 days), where pg_cron is installed.'),
    ('maintenance', 'archive_job_history', '{"keep": "interval"}',
     'Delete finished runs, and attempts in the history, that ended more than keep ago (default 90 days).'),
    ('maintenance', 'check_missed_runs', '{"window": "interval"}',
     'Raise missed_run alerts for occurrences in the last window (default 1 day) that have no run (api.missed_runs).'),
    ('maintenance', 'kpi_alerts', '{"days_back": "integer"}',
     'Evaluate the KPI alerts of the trading day days_back (default 1) before the run''s local date, for the job''s organization or each (api.evaluate_kpi_alerts).'),
    ('maintenance', 'apply_retention', '{}',
     'The retention policy, for the job''s organization or each: snapshots, delivery-level personal data and stored files older than the organization''s retention_days (internal.apply_retention).'),
    ('maintenance', 'create_fact_partitions', '{"months_ahead": "integer"}',
     'Make the monthly partitions of venue.payments and venue.check_ins from the run''s month to months_ahead (default 3) months ahead, where missing (internal.ensure_fact_partitions).')
$fn$;

COMMENT ON FUNCTION internal.job_tasks() IS
  'The registry of tasks aggregation and maintenance jobs may name in their payload, with their optional parameters and types.';
REVOKE ALL ON FUNCTION internal.job_tasks() FROM PUBLIC;
