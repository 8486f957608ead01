-- api.active_leases: the work each worker holds now, per queue.
DROP VIEW IF EXISTS api.active_leases;
CREATE VIEW api.active_leases WITH (security_invoker = true) AS
SELECT l.queue, l.worker, l.organization_id,
       count(*) AS leases,
       count(*) FILTER (WHERE l.lease_expires_at < now()) AS expired,
       min(l.started_at) AS oldest_started_at,
       max(l.heartbeat_at) AS last_heartbeat_at,
       min(l.lease_expires_at) AS next_expiry_at
  FROM (SELECT 'job'::text AS queue, r.worker, r.organization_id, r.started_at, r.heartbeat_at, r.lease_expires_at
          FROM reporting.job_runs r
         WHERE r.status = 'running'
        UNION ALL
        SELECT 'render', g.render_worker, g.organization_id, g.render_started_at, g.heartbeat_at, g.lease_expires_at
          FROM reporting.report_generation_history g
         WHERE g.status = 'rendering'
        UNION ALL
        SELECT 'delivery', d.worker, d.organization_id, d.sending_at, NULL, d.lease_expires_at
          FROM reporting.report_delivery_history d
         WHERE d.status = 'sending') l
 GROUP BY l.queue, l.worker, l.organization_id;

COMMENT ON VIEW api.active_leases IS
  'Leases held now: per queue (job, render, delivery), worker and organization, how many runs, reports or deliveries the worker holds, how many of those leases have expired (the worker stopped renewing: the next claim takes them back), the oldest start, the latest heartbeat and the next expiry. A worker with no row holds nothing.';
COMMENT ON COLUMN api.active_leases.expired IS 'Leases past lease_expires_at and not yet taken back: a worker that died or lost its connection.';
COMMENT ON COLUMN api.active_leases.last_heartbeat_at IS 'The latest heartbeat of the worker''s jobs or renders; NULL for deliveries, which are not renewed.';
REVOKE ALL ON api.active_leases FROM PUBLIC;
GRANT SELECT ON api.active_leases TO nightcap_admin, nightcap_manager, nightcap_auditor;
