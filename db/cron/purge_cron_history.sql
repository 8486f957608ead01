-- pg_cron never prunes its run log: keep two weeks of it. (pg_cron schedules are UTC.)
SELECT internal.schedule_cron_job(
  'nightcap-purge-cron-history', '17 3 * * *',
  $cmd$DELETE FROM cron.job_run_details WHERE end_time < now() - interval '14 days'$cmd$);
