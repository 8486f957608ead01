-- api.report_duration_percentiles: p50 / p95 / p99 of generation and render times per report template, last 30 days.
DROP VIEW IF EXISTS api.report_duration_percentiles;
CREATE VIEW api.report_duration_percentiles WITH (security_invoker = true) AS
SELECT g.organization_id, g.template_key,
       count(g.generation_ms) AS generations,
       round(percentile_cont(0.50) WITHIN GROUP (ORDER BY g.generation_ms)::numeric, 3) AS generation_p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY g.generation_ms)::numeric, 3) AS generation_p95_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY g.generation_ms)::numeric, 3) AS generation_p99_ms,
       count(g.render_ms -> 'total') AS renders,
       round(percentile_cont(0.50) WITHIN GROUP (ORDER BY (g.render_ms ->> 'total')::numeric)::numeric, 3) AS render_p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY (g.render_ms ->> 'total')::numeric)::numeric, 3) AS render_p95_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY (g.render_ms ->> 'total')::numeric)::numeric, 3) AS render_p99_ms
  FROM reporting.report_generation_history g
 WHERE g.requested_at >= now() - interval '30 days'
   AND (g.generation_ms IS NOT NULL OR g.render_ms ? 'total')
 GROUP BY g.organization_id, g.template_key;

COMMENT ON VIEW api.report_duration_percentiles IS
  'Per organization and report template key, over the reports requested in the last 30 days: the 50th, 95th and 99th percentiles of generation_ms (the database building the snapshot) and of render_ms.total (the renderer making every file of the report), in milliseconds. Continuous percentiles (percentile_cont: interpolated between the two nearest values, so p95 of 100, 200, 300, 400, 500 ms is 480). Reused snapshots (cache hits) count once.';
COMMENT ON COLUMN api.report_duration_percentiles.generations IS 'Reports with a generation time (the sample of the generation percentiles).';
COMMENT ON COLUMN api.report_duration_percentiles.renders IS 'Reports rendered, with a total render time (the sample of the render percentiles).';
REVOKE ALL ON api.report_duration_percentiles FROM PUBLIC;
GRANT SELECT ON api.report_duration_percentiles TO nightcap_admin, nightcap_manager, nightcap_auditor;
