-- api.failures_by_sqlstate: failed job attempts of the last hour and day, grouped by SQLSTATE.
DROP VIEW IF EXISTS api.failures_by_sqlstate;
CREATE VIEW api.failures_by_sqlstate WITH (security_invoker = true) AS
SELECT w.period, h.organization_id, r.job_type, h.sqlstate,
       count(*) AS failures,
       count(DISTINCT h.job_id) AS jobs,
       max(h.finished_at) AS last_failed_at,
       (array_agg(h.message ORDER BY h.finished_at DESC, h.history_id DESC))[1] AS last_message
  FROM (VALUES ('1 hour', interval '1 hour'), ('1 day', interval '1 day')) AS w(period, span)
  JOIN reporting.job_execution_history h
    ON h.finished_at >= now() - w.span AND h.status <> 'succeeded'
  JOIN reporting.job_runs r ON r.run_id = h.run_id
 GROUP BY w.period, h.organization_id, r.job_type, h.sqlstate;

COMMENT ON VIEW api.failures_by_sqlstate IS
  'Job attempts that did not succeed in the last hour and the last day (period), per organization, job type and SQLSTATE (57014 timed out, 08006 lease expired, else the error the job raised), with how many jobs they came from, the latest failure and its message.';
COMMENT ON COLUMN api.failures_by_sqlstate.period IS '1 hour or 1 day: attempts finished since now() less that.';
COMMENT ON COLUMN api.failures_by_sqlstate.jobs IS 'Distinct jobs with such a failure.';
REVOKE ALL ON api.failures_by_sqlstate FROM PUBLIC;
GRANT SELECT ON api.failures_by_sqlstate TO nightcap_admin, nightcap_manager, nightcap_auditor;
