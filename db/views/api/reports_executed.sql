-- api.reports_executed: reports completed and failed today and this week, per organization.
DROP VIEW IF EXISTS api.reports_executed;
CREATE VIEW api.reports_executed WITH (security_invoker = true) AS
WITH finished AS (
  SELECT g.organization_id, g.status,
         coalesce(g.completed_at, g.failed_at) AS finished_at,
         (coalesce(g.completed_at, g.failed_at) AT TIME ZONE g.timezone)::date AS local_date,
         (now() AT TIME ZONE g.timezone)::date AS local_today
    FROM reporting.report_generation_history g
   WHERE g.status IN ('completed', 'failed')
     AND coalesce(g.completed_at, g.failed_at) >= now() - interval '8 days'
)
SELECT f.organization_id,
       count(*) FILTER (WHERE f.status = 'completed' AND f.local_date = f.local_today) AS completed_today,
       count(*) FILTER (WHERE f.status = 'failed' AND f.local_date = f.local_today) AS failed_today,
       count(*) FILTER (WHERE f.status = 'completed'
                          AND date_trunc('week', f.local_date) = date_trunc('week', f.local_today)) AS completed_this_week,
       count(*) FILTER (WHERE f.status = 'failed'
                          AND date_trunc('week', f.local_date) = date_trunc('week', f.local_today)) AS failed_this_week,
       max(f.finished_at) AS last_finished_at
  FROM finished f
 GROUP BY f.organization_id;

COMMENT ON VIEW api.reports_executed IS
  'Reports that finished (rendered, or failed for good) today and this week (Monday to Sunday), per organization; today and the week are read on each report''s own clock (its timezone). An organization with none this week or last has no row.';
COMMENT ON COLUMN api.reports_executed.completed_today IS 'Reports completed today (completed_at on the report''s clock).';
COMMENT ON COLUMN api.reports_executed.completed_this_week IS 'Reports completed since Monday, today included.';
REVOKE ALL ON api.reports_executed FROM PUBLIC;
GRANT SELECT ON api.reports_executed TO nightcap_admin, nightcap_manager, nightcap_auditor;
