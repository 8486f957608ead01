-- A run's job exists, checked once per statement (see internal.tg_job_runs__check_job).

DROP TRIGGER IF EXISTS job_runs__check_job__insert ON reporting.job_runs;
CREATE TRIGGER job_runs__check_job__insert
  AFTER INSERT ON reporting.job_runs
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_job_runs__check_job();

-- Only when job_id is set: claims, heartbeats and completions never fire it.
DROP TRIGGER IF EXISTS job_runs__check_job__update ON reporting.job_runs;
CREATE TRIGGER job_runs__check_job__update
  BEFORE UPDATE OF job_id ON reporting.job_runs
  FOR EACH ROW EXECUTE FUNCTION internal.tg_job_runs__check_job();
