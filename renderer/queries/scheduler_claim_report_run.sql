-- `nightcap scheduler` reading on a standby: claim one due report run for this worker.
SELECT c.run_id, c.job_id, j.name AS job, c.attempt, c.scheduled_for
  FROM api.claim_jobs(%(worker)s, '{report}', 1, %(lease)s::interval) c
  JOIN reporting.scheduled_jobs j USING (job_id)
