-- Every minute: run the due aggregation, maintenance and sql runs inside
-- PostgreSQL, starting none after 50 s so calls rarely overlap. Report runs
-- are the renderer's.
SELECT internal.schedule_cron_job(
  'nightcap-work', '* * * * *',
  $cmd$SELECT count(*) FROM api.work(50)$cmd$);
