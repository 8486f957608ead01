-- `nightcap scheduler` reading on a standby: the reports a claimed report run generates.
SELECT q.template_key, q.organization_id, q.period_start, q.period_end, q.filters, q.priority, q.job_id, q.run_id
  FROM api.report_run_requests(%(run_id)s, %(worker)s) q
