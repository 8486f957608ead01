-- `nightcap scheduler`: run the due in-database runs (api.work; of the given job types, all when NULL),
-- with each job's name for the log.
SELECT w.run_id, w.job_id, j.name AS job, w.attempt, w.status, w.error_sqlstate, w.error_message
  FROM api.work(%(max_seconds)s, %(kinds)s::text[]) w
  JOIN reporting.scheduled_jobs j USING (job_id)
