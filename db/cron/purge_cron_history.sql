-- pg_cron job `nightcap-purge-cron-history`: pg_cron never prunes its run log.
-- Skipped with a NOTICE where pg_cron is absent (then `nightcap scheduler`
-- drives the schedule) or not usable by this role.
DO $do$
BEGIN
  IF to_regnamespace('cron') IS NULL THEN
    RAISE NOTICE 'pg_cron is not installed in database %: skipping job nightcap-purge-cron-history',
      current_database();
    RETURN;
  END IF;
  IF NOT has_schema_privilege('cron', 'USAGE') THEN
    RAISE NOTICE 'role % may not use pg_cron: skipping job nightcap-purge-cron-history', current_user;
    RETURN;
  END IF;
  -- cron.schedule(name, ...) replaces a job of the same name: re-running is an upsert.
  PERFORM cron.schedule(
    'nightcap-purge-cron-history',
    '17 3 * * *',
    $cmd$DELETE FROM cron.job_run_details WHERE end_time < now() - interval '14 days'$cmd$);
END
$do$;
