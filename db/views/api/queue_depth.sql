-- api.queue_depth: what waits and what runs in the three queues: job runs, report renders, deliveries.
DROP VIEW IF EXISTS api.queue_depth;
CREATE VIEW api.queue_depth WITH (security_invoker = true) AS
SELECT 'job'::text AS queue, r.organization_id, r.job_type AS kind, r.status,
       count(*) AS depth,
       count(*) FILTER (WHERE r.status = 'queued' AND r.run_after <= now()) AS due,
       min(r.enqueued_at) AS oldest_at
  FROM reporting.job_runs r
 WHERE r.status IN ('waiting', 'queued', 'running')
 GROUP BY r.organization_id, r.job_type, r.status
UNION ALL
SELECT 'render', g.organization_id, g.template_key, g.status,
       count(*),
       count(*) FILTER (WHERE g.status = 'data_ready' AND coalesce(g.render_after, g.requested_at) <= now()),
       min(g.requested_at)
  FROM reporting.report_generation_history g
 WHERE g.status IN ('queued', 'data_ready', 'rendering')
 GROUP BY g.organization_id, g.template_key, g.status
UNION ALL
SELECT 'delivery', d.organization_id, d.channel, d.status,
       count(*),
       count(*) FILTER (WHERE d.status IN ('queued', 'deferred') AND d.next_attempt_at <= now()),
       min(d.queued_at)
  FROM reporting.report_delivery_history d
 WHERE d.status IN ('queued', 'deferred', 'sending')
 GROUP BY d.organization_id, d.channel, d.status;

COMMENT ON VIEW api.queue_depth IS
  'Queue depth now: job runs (reporting.job_runs) waiting, queued or running per job type; reports (reporting.report_generation_history) queued, data_ready (waiting for a renderer) or rendering per template key; deliveries (reporting.report_delivery_history) queued, deferred or sending per channel. One row per queue, organization, kind and status with work in it; read through row-level security (system jobs, organization NULL, only for the owner).';
COMMENT ON COLUMN api.queue_depth.queue IS 'job, render or delivery.';
COMMENT ON COLUMN api.queue_depth.kind IS 'The job type (job), template key (render) or channel (delivery).';
COMMENT ON COLUMN api.queue_depth.depth IS 'Rows in this status.';
COMMENT ON COLUMN api.queue_depth.due IS 'Of those, ready to be claimed now (queued job runs past run_after, reports data_ready past render_after, deliveries queued or deferred past next_attempt_at); 0 for running and waiting rows.';
COMMENT ON COLUMN api.queue_depth.oldest_at IS 'When the oldest of them was enqueued (requested, for reports).';
REVOKE ALL ON api.queue_depth FROM PUBLIC;
GRANT SELECT ON api.queue_depth TO nightcap_admin, nightcap_manager, nightcap_auditor;
