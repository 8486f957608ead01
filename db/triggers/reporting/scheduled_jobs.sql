-- A job's schedule is checked and its next run computed as it is written (see internal.tg_scheduled_jobs__prepare),
-- and a job that has runs is kept (internal.tg_scheduled_jobs__keep_runs).

DROP TRIGGER IF EXISTS scheduled_jobs__prepare__insert ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__prepare__insert
  BEFORE INSERT ON reporting.scheduled_jobs
  FOR EACH ROW EXECUTE FUNCTION internal.tg_scheduled_jobs__prepare();

-- Not on next_run_at or last_run_at: api.tick moves those for 100,000 jobs at a time.
DROP TRIGGER IF EXISTS scheduled_jobs__prepare__update ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__prepare__update
  BEFORE UPDATE OF organization_id, venue_id, name, job_type, cron_expression, timezone, priority,
    enabled, max_attempts, backoff_base, backoff_cap, backoff_jitter, timeout, catch_up,
    catch_up_limit, payload
  ON reporting.scheduled_jobs
  FOR EACH ROW EXECUTE FUNCTION internal.tg_scheduled_jobs__prepare();

-- A job that has runs stays (see internal.tg_scheduled_jobs__keep_runs).
DROP TRIGGER IF EXISTS scheduled_jobs__keep_runs ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__keep_runs
  BEFORE DELETE OR UPDATE OF job_id ON reporting.scheduled_jobs
  FOR EACH ROW EXECUTE FUNCTION internal.tg_scheduled_jobs__keep_runs();

DROP TRIGGER IF EXISTS scheduled_jobs__keep_runs__truncate ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__keep_runs__truncate
  BEFORE TRUNCATE ON reporting.scheduled_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_scheduled_jobs__keep_runs();
