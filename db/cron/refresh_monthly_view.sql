-- Seed 001: the monthly summary on Sundays at 3am (UTC).
SELECT internal.schedule_cron_job(
  'nightcap-refresh-monthly-view', '0 3 * * 0',
  $cmd$SELECT api.refresh_summary_views(ARRAY['monthly_summary_view'])$cmd$);
