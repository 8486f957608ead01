-- api.job_duration_percentiles: p50 / p95 / p99 of each job's attempt durations, last 30 days.
DROP VIEW IF EXISTS api.job_duration_percentiles;
CREATE VIEW api.job_duration_percentiles WITH (security_invoker = true) AS
SELECT h.organization_id, h.job_id, j.name AS job_name, j.job_type,
       count(*) AS attempts,
       count(*) FILTER (WHERE h.status = 'succeeded') AS succeeded,
       round(percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM h.duration) * 1000)::numeric, 3) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM h.duration) * 1000)::numeric, 3) AS p95_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM h.duration) * 1000)::numeric, 3) AS p99_ms,
       round(max(extract(epoch FROM h.duration) * 1000)::numeric, 3) AS max_ms
  FROM reporting.job_execution_history h
  LEFT JOIN reporting.scheduled_jobs j ON j.job_id = h.job_id
 WHERE h.finished_at >= now() - interval '30 days'
 GROUP BY h.organization_id, h.job_id, j.name, j.job_type;

COMMENT ON VIEW api.job_duration_percentiles IS
  'Per job, over its attempts that finished in the last 30 days (reporting.job_execution_history, every outcome: a timed-out attempt is a slow one): the 50th, 95th and 99th percentiles and the maximum of the attempt duration, in milliseconds. Continuous percentiles (percentile_cont: interpolated between the two nearest values, so p95 of 100, 200, 300, 400, 500 ms is 480).';
COMMENT ON COLUMN api.job_duration_percentiles.job_name IS 'The job''s name; NULL if the job has since been deleted.';
REVOKE ALL ON api.job_duration_percentiles FROM PUBLIC;
GRANT SELECT ON api.job_duration_percentiles TO nightcap_admin, nightcap_manager, nightcap_auditor;
