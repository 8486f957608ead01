-- Seed 001's 3am task: clean expired cache entries.
SELECT internal.schedule_cron_job(
  'nightcap-clear-metrics-cache', '0 3 * * *',
  $cmd$SELECT api.clear_metrics_cache()$cmd$);
