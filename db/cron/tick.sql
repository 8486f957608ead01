-- Every minute: enqueue the due runs of every scheduled job, each on its own
-- clock (pg_cron's own schedules are UTC only; nightcap reads the jobs' zones).
SELECT internal.schedule_cron_job(
  'nightcap-tick', '* * * * *',
  $cmd$SELECT count(*) FROM api.tick()$cmd$);
