-- internal.schedule_cron_job(name, schedule, command): register a pg_cron job where pg_cron is usable.
CREATE OR REPLACE FUNCTION internal.schedule_cron_job(p_name text, p_schedule text, p_command text)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * cron.schedule(name, ...) replaces a job of the same name, so registering
   * is an upsert and db/cron files re-run cleanly. Where pg_cron is absent
   * (or this role may not use it) the job is skipped with a NOTICE and
   * `nightcap scheduler` does the work instead. Returns whether it registered.
   */
  IF to_regnamespace('cron') IS NULL THEN
    RAISE NOTICE 'pg_cron is not installed in database %: skipping job %', current_database(), p_name;
    RETURN false;
  END IF;
  IF NOT has_schema_privilege('cron', 'USAGE') THEN
    RAISE NOTICE 'role % may not use pg_cron: skipping job %', current_user, p_name;
    RETURN false;
  END IF;
  PERFORM cron.schedule(p_name, p_schedule, p_command);
  RETURN true;
END
$fn$;

COMMENT ON FUNCTION internal.schedule_cron_job(text, text, text) IS
  'Registers (or replaces) a pg_cron job by name; skips with a NOTICE where pg_cron is not installed or not usable.';
REVOKE ALL ON FUNCTION internal.schedule_cron_job(text, text, text) FROM PUBLIC;
