-- The maintenance calendar of seed 001 as nightcap system jobs (organization_id
-- NULL) on the Europe/London clock. pg_cron only calls api.tick() and
-- api.work() (tick.sql, work.sql); these jobs say what runs when, and run the
-- same with `nightcap scheduler` where pg_cron is absent.
--
-- Seeded once: a job whose name exists is left as it is (ON CONFLICT DO
-- NOTHING), so a DBA's edits to a seeded job (its time, enabled flag,
-- payload) survive every later migration. A seeded job that was deleted comes
-- back when this file changes: disable it instead. Dependencies are added
-- only for jobs this statement inserts, so a dependency a DBA removed stays
-- removed.
--
-- Seed 001's daily report (22:00) and weekly report (Monday 09:00) are not
-- system jobs: each organization's subscriptions create its report jobs, on
-- the template's schedule or their own (internal.sync_report_jobs). Seed 001's "clean old report files" (Sunday 03:00) arrives with the
-- renderer's files. refresh_daily_views is not in seed 001: it keeps the daily
-- refresh of the weekly and top-customer summaries that pg_cron ran before.
-- apply_retention is seed 001's GDPR "90-day default retention with
-- configurable cleanup": daily at 03:30, each organization by its own
-- retention_days (internal.apply_retention). kpi_alerts evaluates the day just
-- aggregated against each KPI's thresholds (api.evaluate_kpi_alerts), once
-- daily_aggregations has finished: KPI alerts are raised and cleared there.
-- create_fact_partitions keeps the monthly partitions of payments and
-- check-ins three months ahead of the calendar (internal.ensure_fact_partitions);
-- it is daily so that a missed night costs nothing, and it does nothing while
-- they exist.
WITH calendar (name, job_type, cron_expression, priority, catch_up, enabled, payload) AS (
  VALUES
    ('hourly_aggregations',   'aggregation', '0 * * * *',  'normal', 'latest', true,
     '{"task": "hourly_aggregations"}'::jsonb),
    ('daily_aggregations',    'aggregation', '0 2 * * *',  'high',   'all',    true,
     '{"task": "daily_aggregations"}'),
    ('customer_analytics',    'aggregation', '0 2 * * *',  'normal', 'latest', true,
     '{"task": "customer_analytics"}'),
    ('refresh_daily_views',   'maintenance', '0 2 * * *',  'normal', 'latest', true,
     '{"task": "refresh_summary_views", "views": ["weekly_summary_view", "top_customers_view"]}'),
    ('clear_metrics_cache',   'maintenance', '0 3 * * *',  'low',    'latest', true,
     '{"task": "clear_metrics_cache"}'),
    ('refresh_summary_views', 'maintenance', '0 3 * * 0',  'low',    'latest', true,
     '{"task": "refresh_summary_views"}'),
    ('archive_job_history',   'maintenance', '0 3 * * 0',  'low',    'latest', true,
     '{"task": "archive_job_history"}'),
    ('purge_cron_history',    'maintenance', '17 3 * * *', 'low',    'latest', true,
     '{"task": "purge_cron_history"}'),
    ('check_missed_runs',     'maintenance', '5 * * * *',  'normal', 'latest', true,
     '{"task": "check_missed_runs"}'),
    ('apply_retention',       'maintenance', '30 3 * * *', 'low',    'latest', true,
     '{"task": "apply_retention"}'),
    ('kpi_alerts',            'maintenance', '0 2 * * *',  'normal', 'latest', true,
     '{"task": "kpi_alerts"}'),
    ('create_fact_partitions', 'maintenance', '45 3 * * *', 'low',   'latest', true,
     '{"task": "create_fact_partitions"}')
), seeded AS (
  INSERT INTO reporting.scheduled_jobs AS j
         (organization_id, name, job_type, cron_expression, timezone, priority, catch_up, enabled, payload)
  SELECT NULL, c.name, c.job_type, c.cron_expression, 'Europe/London', c.priority, c.catch_up, c.enabled,
         c.payload
    FROM calendar c
      ON CONFLICT ON CONSTRAINT scheduled_jobs_name_key DO NOTHING
  RETURNING j.job_id, j.name
), system_jobs AS (
  -- Parents may be new (not yet visible in the table to this statement) or old.
  SELECT s.job_id, s.name FROM seeded s
  UNION ALL
  SELECT j.job_id, j.name FROM reporting.scheduled_jobs j WHERE j.organization_id IS NULL
)
INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id, condition)
SELECT child.job_id, parent.job_id, d.condition
  FROM (VALUES
          ('customer_analytics',  'daily_aggregations', 'completion'),
          ('refresh_daily_views', 'daily_aggregations', 'completion'),
          ('kpi_alerts',          'daily_aggregations', 'completion')
       ) AS d (child, parent, condition)
  JOIN seeded child ON child.name = d.child
  JOIN system_jobs parent ON parent.name = d.parent
    ON CONFLICT DO NOTHING;
