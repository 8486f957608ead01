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

-- The audit log (internal.tg_audit_change): scheduled_job.created, .updated, .enabled,
-- .disabled, .deleted. Only the configuration: api.tick moves next_run_at and
-- last_run_at of 100,000 jobs a minute, and the column list keeps those updates
-- from even calling the function.
-- Inserts and deletes per statement (transition tables): jobs arrive 100,000 at a time in bench/tick.py.
DROP TRIGGER IF EXISTS scheduled_jobs__audit__insert_delete ON reporting.scheduled_jobs;
DROP TRIGGER IF EXISTS scheduled_jobs__audit__insert ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__audit__insert
  AFTER INSERT ON reporting.scheduled_jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_audit_change(
    'scheduled_job', 'job_id', '', '', '', 'next_run_at,last_run_at,updated_at');

DROP TRIGGER IF EXISTS scheduled_jobs__audit__delete ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__audit__delete
  AFTER DELETE ON reporting.scheduled_jobs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_audit_change(
    'scheduled_job', 'job_id', '', '', '', 'next_run_at,last_run_at,updated_at');

DROP TRIGGER IF EXISTS scheduled_jobs__audit__update ON reporting.scheduled_jobs;
CREATE TRIGGER scheduled_jobs__audit__update
  AFTER UPDATE OF organization_id, venue_id, name, job_type, cron_expression, timezone, priority,
    enabled, max_attempts, backoff_base, backoff_cap, backoff_jitter, timeout, catch_up,
    catch_up_limit, payload
  ON reporting.scheduled_jobs
  FOR EACH ROW
  WHEN ((OLD.organization_id, OLD.venue_id, OLD.name, OLD.job_type, OLD.cron_expression, OLD.timezone,
         OLD.priority, OLD.enabled, OLD.max_attempts, OLD.backoff_base, OLD.backoff_cap, OLD.backoff_jitter,
         OLD.timeout, OLD.catch_up, OLD.catch_up_limit, OLD.payload)
        IS DISTINCT FROM
        (NEW.organization_id, NEW.venue_id, NEW.name, NEW.job_type, NEW.cron_expression, NEW.timezone,
         NEW.priority, NEW.enabled, NEW.max_attempts, NEW.backoff_base, NEW.backoff_cap, NEW.backoff_jitter,
         NEW.timeout, NEW.catch_up, NEW.catch_up_limit, NEW.payload))
  EXECUTE FUNCTION internal.tg_audit_change(
    'scheduled_job', 'job_id', '', '', '', 'next_run_at,last_run_at,updated_at',
    'enabled=true:enabled', 'enabled=false:disabled');
