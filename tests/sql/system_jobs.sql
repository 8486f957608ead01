-- The system calendar (db/cron/system_jobs.sql): seed 001's maintenance
-- tasks as nightcap jobs on the Europe/London clock, and pg_cron calling only
-- api.tick() and api.work(). Next runs are worked out by hand from Saturday
-- 6 June 2026 12:00Z (13:00 BST) and Tuesday 1 December 2026 12:00Z (GMT).
BEGIN;
SELECT plan(9);

SELECT set_eq(
  $$SELECT name, job_type, cron_expression, timezone, priority, catch_up, enabled, payload
      FROM reporting.scheduled_jobs WHERE organization_id IS NULL$$,
  $$VALUES
    ('hourly_aggregations',   'aggregation', '0 * * * *',  'Europe/London', 'normal', 'latest', true,
     '{"task": "hourly_aggregations"}'::jsonb),
    ('daily_aggregations',    'aggregation', '0 2 * * *',  'Europe/London', 'high',   'all',    true,
     '{"task": "daily_aggregations"}'),
    ('customer_analytics',    'aggregation', '0 2 * * *',  'Europe/London', 'normal', 'latest', true,
     '{"task": "customer_analytics"}'),
    ('refresh_daily_views',   'maintenance', '0 2 * * *',  'Europe/London', 'normal', 'latest', true,
     '{"task": "refresh_summary_views", "views": ["weekly_summary_view", "top_customers_view"]}'),
    ('clear_metrics_cache',   'maintenance', '0 3 * * *',  'Europe/London', 'low',    'latest', true,
     '{"task": "clear_metrics_cache"}'),
    ('refresh_summary_views', 'maintenance', '0 3 * * 0',  'Europe/London', 'low',    'latest', true,
     '{"task": "refresh_summary_views"}'),
    ('archive_job_history',   'maintenance', '0 3 * * 0',  'Europe/London', 'low',    'latest', true,
     '{"task": "archive_job_history"}'),
    ('purge_cron_history',    'maintenance', '17 3 * * *', 'Europe/London', 'low',    'latest', true,
     '{"task": "purge_cron_history"}'),
    ('check_missed_runs',     'maintenance', '5 * * * *',  'Europe/London', 'normal', 'latest', true,
     '{"task": "check_missed_runs"}'),
    ('apply_retention',       'maintenance', '30 3 * * *', 'Europe/London', 'low',    'latest', true,
     '{"task": "apply_retention"}'),
    ('kpi_alerts',            'maintenance', '0 2 * * *',  'Europe/London', 'normal', 'latest', true,
     '{"task": "kpi_alerts"}'),
    ('create_fact_partitions', 'maintenance', '45 3 * * *', 'Europe/London', 'low',   'latest', true,
     '{"task": "create_fact_partitions"}')$$,
  'the system jobs are the seeded calendar: names, types, expressions, London zone, priorities, catch-up, enabled flags, tasks');

SELECT set_eq(
  $$SELECT name, next_run_at IS NOT NULL FROM reporting.scheduled_jobs WHERE organization_id IS NULL$$,
  $$SELECT name, enabled FROM reporting.scheduled_jobs WHERE organization_id IS NULL$$,
  'every system job is enabled and has a next run');

SELECT results_eq(
  $$SELECT name, api.cron_next(cron_expression, timezone, '2026-06-06 12:00Z')
      FROM reporting.scheduled_jobs WHERE organization_id IS NULL ORDER BY name$$,
  $$VALUES ('apply_retention',       '2026-06-07 02:30Z'::timestamptz),
           ('archive_job_history',   '2026-06-07 02:00Z'),
           ('check_missed_runs',     '2026-06-06 12:05Z'),
           ('clear_metrics_cache',   '2026-06-07 02:00Z'),
           ('create_fact_partitions', '2026-06-07 02:45Z'),
           ('customer_analytics',    '2026-06-07 01:00Z'),
           ('daily_aggregations',    '2026-06-07 01:00Z'),
           ('hourly_aggregations',   '2026-06-06 13:00Z'),
           ('kpi_alerts',            '2026-06-07 01:00Z'),
           ('purge_cron_history',    '2026-06-07 02:17Z'),
           ('refresh_daily_views',   '2026-06-07 01:00Z'),
           ('refresh_summary_views', '2026-06-07 02:00Z')$$,
  'after Saturday 6 June 2026 13:00 BST: 02:00 and 03:00 on Sunday are 01:00Z and 02:00Z, the missed-run check at five past');
SELECT results_eq(
  $$SELECT name, api.cron_next(cron_expression, timezone, '2026-12-01 12:00Z')
      FROM reporting.scheduled_jobs WHERE name IN ('daily_aggregations', 'refresh_summary_views')
       AND organization_id IS NULL ORDER BY name$$,
  $$VALUES ('daily_aggregations',    '2026-12-02 02:00Z'::timestamptz),
           ('refresh_summary_views', '2026-12-06 03:00Z')$$,
  'in winter (GMT) the same wall-clock times are the same UTC instants');
SELECT is(api.cron_next('0 2 * * *', 'Europe/London', '2026-03-28 12:00Z'), '2026-03-29 01:00Z'::timestamptz,
  'on the spring-forward night 02:00 London is 02:00 BST (01:00Z), the first hour after the gap');

SELECT set_eq(
  $$SELECT c.name AS child, p.name AS parent, d.condition
      FROM reporting.job_dependencies d
      JOIN reporting.scheduled_jobs c ON c.job_id = d.child_job_id
      JOIN reporting.scheduled_jobs p ON p.job_id = d.parent_job_id
     WHERE c.organization_id IS NULL$$,
  $$VALUES ('customer_analytics',  'daily_aggregations', 'completion'),
           ('refresh_daily_views', 'daily_aggregations', 'completion'),
           ('kpi_alerts',          'daily_aggregations', 'completion')$$,
  'customer analytics, the daily view refresh and the KPI alerts follow the daily aggregation');

SELECT ok(obj_description('reporting.scheduled_jobs'::regclass, 'pg_class')
            ~ 'report jobs .* are made per organization from its report subscriptions',
  'the table''s COMMENT says where report jobs come from');

-- Every seeded in-database job runs: one run each for the night of 6-7 June
-- 2026, worked by api.work (the analytics and view refresh wait for the
-- daily aggregation, then run in the same call).
-- Disabled here (a disabled job may still be run by hand), the seeded jobs
-- stay locked against pg_cron's own ticker until the rollback; the runs it
-- queued are cancelled, so api.work has only these.
UPDATE reporting.scheduled_jobs SET enabled = false WHERE organization_id IS NULL AND enabled;
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued', 'running');
SELECT api.enqueue_run(j.job_id, api.cron_next(j.cron_expression, j.timezone, '2026-06-06 12:00Z'))
  FROM reporting.scheduled_jobs j
 WHERE j.organization_id IS NULL AND j.job_type <> 'report';
CREATE TEMP TABLE worked AS SELECT * FROM api.work(50);
SELECT set_eq(
  $$SELECT j.name, w.status, w.error_sqlstate FROM worked w JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('hourly_aggregations', 'succeeded', NULL::text), ('daily_aggregations', 'succeeded', NULL),
           ('customer_analytics', 'succeeded', NULL), ('refresh_daily_views', 'succeeded', NULL),
           ('clear_metrics_cache', 'succeeded', NULL), ('refresh_summary_views', 'succeeded', NULL),
           ('archive_job_history', 'succeeded', NULL), ('purge_cron_history', 'succeeded', NULL),
           ('check_missed_runs', 'succeeded', NULL), ('apply_retention', 'succeeded', NULL),
           ('kpi_alerts', 'succeeded', NULL),
           ('create_fact_partitions', 'succeeded', NULL)$$,
  'each seeded aggregation and maintenance job runs and succeeds through api.work');

-- pg_cron (present in the test cluster) runs exactly the ticker and the worker.
SELECT CASE WHEN to_regclass('cron.job') IS NULL
  THEN skip('pg_cron is not installed in this database', 1)
  ELSE set_eq(
    $$SELECT jobname, schedule, command, database, active FROM cron.job$$,
    format($$VALUES ('nightcap-tick', '* * * * *', 'SELECT count(*) FROM api.tick()', %1$L, true),
                    ('nightcap-work', '* * * * *', 'SELECT count(*) FROM api.work(50)', %1$L, true)$$,
           current_database()),
    'pg_cron has exactly two jobs: nightcap-tick and nightcap-work, every minute')
  END;

SELECT * FROM finish();
ROLLBACK;
