-- internal.tg_scheduled_jobs__prepare(): checks a job's schedule, fills its time zone and computes next_run_at.
-- SECURITY DEFINER: computes a job's next run with the engine's cron functions for an admin writing the job through RLS.
CREATE OR REPLACE FUNCTION internal.tg_scheduled_jobs__prepare()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * BEFORE INSERT, and BEFORE UPDATE of the columns a person edits (not of
   * next_run_at or last_run_at, so api.tick's own updates do not fire it).
   * What a CHECK constraint cannot do:
   *   - the expression must be one api.cron_next reads: api.cron_validate
   *     raises 22023 naming the bad field, and the normalised form is stored;
   *   - no time zone given means the venue's, else Europe/London;
   *   - next_run_at is the first occurrence after greatest(now(), last_run_at)
   *     when the job is inserted without one, or its expression, zone or
   *     enabled flag changes (unless the same UPDATE sets next_run_at itself).
   *     last_run_at keeps an edit from going back before runs already
   *     enqueued. A disabled job has no next run: occurrences while it is off
   *     are not caught up when it is switched on again.
   *   - the payload must be one api.work can run (internal.check_job_payload,
   *     22023), so a job that could only fail at 02:00 is refused now.
   * The remaining rules are the column types' (domains: job_type, priority,
   * timezone, max_attempts, catch_up, ..., migration 0027) and the table's
   * CHECK constraints (name, back-off, venue needs organization).
   */
  NEW.cron_expression := api.cron_validate(NEW.cron_expression);
  PERFORM internal.check_job_payload(NEW.job_type, NEW.payload);
  IF NEW.timezone IS NULL THEN
    NEW.timezone := coalesce(
      (SELECT v.timezone FROM venue.venues v
        WHERE v.organization_id = NEW.organization_id AND v.venue_id = NEW.venue_id),
      'Europe/London');
  END IF;

  IF NOT NEW.enabled THEN
    NEW.next_run_at := NULL;
  ELSIF TG_OP = 'INSERT' THEN
    IF NEW.next_run_at IS NULL THEN
      NEW.next_run_at := api.cron_next(NEW.cron_expression, NEW.timezone, greatest(now(), NEW.last_run_at));
    END IF;
  ELSIF (NEW.cron_expression, NEW.timezone, NEW.enabled) IS DISTINCT FROM (OLD.cron_expression, OLD.timezone, OLD.enabled)
        AND NEW.next_run_at IS NOT DISTINCT FROM OLD.next_run_at THEN
    NEW.next_run_at := api.cron_next(NEW.cron_expression, NEW.timezone, greatest(now(), NEW.last_run_at));
  END IF;

  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_scheduled_jobs__prepare() IS
  'Validates and normalises a scheduled job''s cron expression (22023), defaults its time zone to the venue''s or Europe/London, and computes next_run_at when the schedule or enabled flag changes.';
REVOKE ALL ON FUNCTION internal.tg_scheduled_jobs__prepare() FROM PUBLIC;
