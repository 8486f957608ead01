-- Every minute: rebuild the rollups of the venue-days whose facts changed.
SELECT internal.schedule_cron_job(
  'nightcap-process-aggregations', '* * * * *',
  $cmd$SELECT api.process_hourly_aggregations()$cmd$);
