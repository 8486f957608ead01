-- Seed 001's maintenance: weekly summary and top customers daily after the 2am
-- aggregation, the monthly summary on Sundays at 3am. (UTC: pg_cron 1.4 knows no
-- other zone; per-zone schedules come with the job engine.)
SELECT internal.schedule_cron_job(
  'nightcap-refresh-daily-views', '30 2 * * *',
  $cmd$SELECT api.refresh_summary_views(ARRAY['weekly_summary_view', 'top_customers_view'])$cmd$);
SELECT internal.schedule_cron_job(
  'nightcap-refresh-monthly-view', '0 3 * * 0',
  $cmd$SELECT api.refresh_summary_views(ARRAY['monthly_summary_view'])$cmd$);
