-- 0009: pg_cron now calls only api.tick() and api.work() every minute
-- (db/cron/tick.sql, db/cron/work.sql); what used to be pg_cron jobs calling
-- api functions directly on UTC schedules is now the system calendar in
-- reporting.scheduled_jobs (db/cron/system_jobs.sql), on the London clock.
--
-- Unschedule the direct jobs earlier releases registered, so nothing runs
-- twice. pg_cron lets a role see and unschedule only its own jobs: those of
-- the role migrating (the database owner), which is who registered them.
-- Without pg_cron, or without the right to use it, there is nothing to do.
DO $do$
DECLARE
  v_name text;
BEGIN
  IF to_regclass('cron.job') IS NULL OR NOT has_schema_privilege('cron', 'USAGE') THEN
    RETURN;
  END IF;
  FOR v_name IN
    SELECT j.jobname FROM cron.job j
     WHERE j.username = current_user
       AND j.jobname IN ('nightcap-clear-metrics-cache', 'nightcap-process-aggregations',
                         'nightcap-customer-analytics', 'nightcap-daily-aggregations',
                         'nightcap-purge-cron-history', 'nightcap-refresh-daily-views',
                         'nightcap-refresh-monthly-view')
  LOOP
    PERFORM cron.unschedule(v_name);
    RAISE NOTICE 'unscheduled pg_cron job % (now a system job in reporting.scheduled_jobs)', v_name;
  END LOOP;
END
$do$;

-- Their db/cron files are gone: forget their checksums.
DELETE FROM internal.applied_objects
 WHERE path IN ('db/cron/clear_metrics_cache.sql', 'db/cron/process_aggregations.sql',
                'db/cron/process_customer_analytics.sql', 'db/cron/process_daily_aggregations.sql',
                'db/cron/purge_cron_history.sql', 'db/cron/refresh_daily_views.sql',
                'db/cron/refresh_monthly_view.sql');

COMMENT ON TABLE reporting.scheduled_jobs IS
  'What runs when: a cron expression read on the wall clock of timezone. A NULL organization_id is a system job. api.tick enqueues each due occurrence into reporting.job_runs once and moves next_run_at on. The system jobs seeded by db/cron/system_jobs.sql are seed 001''s maintenance calendar (Europe/London); daily_report and weekly_report are seeded disabled until report generation arrives (Step 4).';
