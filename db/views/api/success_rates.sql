-- api.success_rates: succeeded and failed attempts of jobs and renders over the last hour and day.
DROP VIEW IF EXISTS api.success_rates;
CREATE VIEW api.success_rates WITH (security_invoker = true) AS
WITH attempts AS (
  SELECT 'job'::text AS queue, h.organization_id, r.job_type AS kind, h.status = 'succeeded' AS ok, h.finished_at
    FROM reporting.job_execution_history h
    JOIN reporting.job_runs r ON r.run_id = h.run_id
   WHERE h.finished_at >= now() - interval '1 day'
  UNION ALL
  SELECT 'render', a.organization_id, g.template_key, a.status = 'succeeded', a.finished_at
    FROM reporting.report_render_attempts a
    JOIN reporting.report_generation_history g
      ON g.organization_id = a.organization_id AND g.generation_id = a.generation_id
   WHERE a.finished_at >= now() - interval '1 day' AND a.status <> 'released'
)
SELECT w.period, a.queue, a.organization_id, a.kind,
       count(*) AS attempts,
       count(*) FILTER (WHERE a.ok) AS succeeded,
       count(*) FILTER (WHERE NOT a.ok) AS failed,
       round(count(*) FILTER (WHERE a.ok)::numeric / count(*), 4) AS success_rate,
       round(count(*) FILTER (WHERE NOT a.ok)::numeric / count(*), 4) AS failure_rate
  FROM (VALUES ('1 hour', interval '1 hour'), ('1 day', interval '1 day')) AS w(period, span)
  JOIN attempts a ON a.finished_at >= now() - w.span
 GROUP BY w.period, a.queue, a.organization_id, a.kind;

COMMENT ON VIEW api.success_rates IS
  'Attempts that finished in the last hour and the last day (period), per queue (job: reporting.job_execution_history, by job type; render: reporting.report_render_attempts, by template key) and organization: how many, how many succeeded and failed, and the rates (fractions, 0.25 = 25%). A failed attempt is any that did not succeed: failed, timed out, or whose lease expired; renders released by a stopping daemon are not counted. Periods without attempts have no row.';
COMMENT ON COLUMN api.success_rates.period IS '1 hour or 1 day: attempts finished since now() less that.';
COMMENT ON COLUMN api.success_rates.kind IS 'The job type (job) or template key (render).';
REVOKE ALL ON api.success_rates FROM PUBLIC;
GRANT SELECT ON api.success_rates TO nightcap_admin, nightcap_manager, nightcap_auditor;
