-- `nightcap scheduler`: enqueue every due run (api.tick), with each job's name for the log.
SELECT t.run_id, t.job_id, j.name AS job, t.scheduled_for
  FROM api.tick() t
  JOIN reporting.scheduled_jobs j USING (job_id)
 ORDER BY t.scheduled_for, t.run_id
