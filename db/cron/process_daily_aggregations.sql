-- Seed 001's 2am task: rebuild yesterday's trading day for every venue, after
-- the night has ended (completeness checks only judge finished nights).
SELECT internal.schedule_cron_job(
  'nightcap-daily-aggregations', '0 2 * * *',
  $cmd$SELECT api.process_daily_aggregations(current_date - 1, NULL)$cmd$);
