-- Seed 001: weekly summary and top customers daily, after the 2am aggregation (UTC).
SELECT internal.schedule_cron_job(
  'nightcap-refresh-daily-views', '30 2 * * *',
  $cmd$SELECT api.refresh_summary_views(ARRAY['weekly_summary_view', 'top_customers_view'])$cmd$);
