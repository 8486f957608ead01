-- `nightcap scheduler`: does pg_cron already call api.tick() and api.work() here? (cron.job exists.)
SELECT count(*) AS jobs FROM cron.job WHERE jobname IN ('nightcap-tick', 'nightcap-work')
