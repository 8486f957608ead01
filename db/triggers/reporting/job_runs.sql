-- A run's job exists and is held until commit (see internal.tg_job_runs__check_job).

-- Per row, but not for api.tick's runs: it holds their jobs locked and updated
-- already, and sets nightcap.runs_of_locked_jobs for its statement.
DROP TRIGGER IF EXISTS job_runs__check_job__insert ON reporting.job_runs;
CREATE TRIGGER job_runs__check_job__insert
  BEFORE INSERT ON reporting.job_runs
  FOR EACH ROW
  WHEN (current_setting('nightcap.runs_of_locked_jobs', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION internal.tg_job_runs__check_job();

-- Only when job_id is set to another job: claims, heartbeats and completions never fire it.
DROP TRIGGER IF EXISTS job_runs__check_job__update ON reporting.job_runs;
CREATE TRIGGER job_runs__check_job__update
  BEFORE UPDATE OF job_id ON reporting.job_runs
  FOR EACH ROW
  WHEN (NEW.job_id IS DISTINCT FROM OLD.job_id)
  EXECUTE FUNCTION internal.tg_job_runs__check_job();
