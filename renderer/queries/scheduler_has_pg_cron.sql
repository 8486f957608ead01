-- `nightcap scheduler`: is pg_cron installed in this database?
SELECT to_regclass('cron.job') IS NOT NULL AS has_pg_cron
