-- api.claim_reports(worker, limit, lease): generated reports for a renderer to render, each under a lease.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.claim_reports(
  p_worker text,
  p_limit  integer DEFAULT 1,
  p_lease  interval DEFAULT '60 seconds'
)
RETURNS TABLE (
  generation_id     bigint,
  organization_id   uuid,
  organization_slug text,
  template_key      text,
  period_start      date,
  period_end        date,
  formats           text[],
  attempt           integer,
  lease_expires_at  timestamptz,
  snapshot          jsonb
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * The renderer daemon's claim: first takes back reports whose lease
   * expired (internal.reclaim_expired_reports), then up to p_limit
   * data_ready reports whose back-off has passed, critical first, then
   * oldest, in one UPDATE with FOR UPDATE SKIP LOCKED, so daemons racing
   * for the queue never get the same report. Each is marked rendering by
   * p_worker with a lease of p_lease (renew it with api.heartbeat_report)
   * and its attempt is recorded in reporting.report_render_attempts.
   * Returns what the renderer needs, snapshot included.
   */
  PERFORM internal.check_claim_arguments('claim_reports', p_worker, p_limit, p_lease);
  PERFORM internal.reclaim_expired_reports();

  RETURN QUERY
  WITH picked AS (
    SELECT h.organization_id, h.generation_id
      FROM reporting.report_generation_history h
     WHERE h.status = 'data_ready' AND (h.render_after IS NULL OR h.render_after <= clock_timestamp())
     ORDER BY h.priority_rank, h.requested_at, h.generation_id
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE reporting.report_generation_history h
       SET status = 'rendering', render_worker = p_worker, render_attempts = h.render_attempts + 1,
           heartbeat_at = clock_timestamp(), lease_expires_at = clock_timestamp() + p_lease,
           render_started_at = coalesce(h.render_started_at, clock_timestamp())
      FROM picked p
     WHERE h.organization_id = p.organization_id AND h.generation_id = p.generation_id
    RETURNING h.*
  ), attempts AS (
    INSERT INTO reporting.report_render_attempts (organization_id, generation_id, attempt, worker, started_at)
    SELECT c.organization_id, c.generation_id, c.render_attempts, p_worker, clock_timestamp()
      FROM claimed c
  )
  SELECT c.generation_id, c.organization_id, o.slug, c.template_key, c.period_start, c.period_end, c.formats,
         c.render_attempts, c.lease_expires_at, c.snapshot
    FROM claimed c
    JOIN venue.organizations o USING (organization_id)
   ORDER BY c.priority_rank, c.requested_at, c.generation_id;
END
$fn$;

COMMENT ON FUNCTION api.claim_reports(text, integer, interval) IS
  'Claims up to p_limit data_ready reports for renderer p_worker under a lease (FOR UPDATE SKIP LOCKED, critical first, then oldest), after taking back expired leases; returns their snapshots.';
REVOKE ALL ON FUNCTION api.claim_reports(text, integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.claim_reports(text, integer, interval) TO nightcap_renderer;
