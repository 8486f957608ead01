-- api.claim_deliveries(worker, limit, lease, channels): deliveries for a sender to send, each under a lease.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.claim_deliveries(
  p_worker   text,
  p_limit    integer DEFAULT 10,
  p_lease    interval DEFAULT '2 minutes',
  p_channels text[] DEFAULT NULL
)
RETURNS TABLE (
  delivery_id     bigint,
  organization_id uuid,
  generation_id   bigint,
  subscription_id bigint,
  recipient_id    bigint,
  channel         text,
  destination     text,
  formats         text[],
  attempt         integer,
  message_id      text,
  idempotency_key uuid,
  recipient_name  text,
  report          jsonb,
  alert           jsonb
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * The sender's claim, as api.claim_reports: takes back expired leases
   * first (internal.reclaim_expired_deliveries), then up to p_limit queued
   * or deferred deliveries that are due, oldest first (of p_channels when
   * given), in one UPDATE with FOR UPDATE SKIP LOCKED; each becomes sending
   * under a lease, its attempt counted. Returns what a message needs: the
   * destination, the formats to attach, the stable Message-ID and
   * idempotency key, and the report (name, organization, period, headline,
   * stale notice, files with paths and sizes), or for an alert
   * notification (generation_id NULL) report NULL and the alert as it was
   * queued (kind job or kpi, transition, level, figures): alerts go through
   * the same claims, leases and retries as reports.
   */
  PERFORM internal.check_claim_arguments('claim_deliveries', p_worker, p_limit, p_lease);
  PERFORM internal.reclaim_expired_deliveries();

  RETURN QUERY
  WITH picked AS (
    SELECT d.organization_id, d.delivery_id
      FROM reporting.report_delivery_history d
     WHERE d.status IN ('queued', 'deferred') AND d.next_attempt_at <= clock_timestamp()
       AND (p_channels IS NULL OR d.channel = ANY (p_channels))
     ORDER BY d.next_attempt_at, d.delivery_id
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE reporting.report_delivery_history d
       SET status = 'sending', worker = p_worker, attempts = d.attempts + 1,
           sending_at = clock_timestamp(), lease_expires_at = clock_timestamp() + p_lease
      FROM picked p
     WHERE d.organization_id = p.organization_id AND d.delivery_id = p.delivery_id
    RETURNING d.*
  )
  SELECT c.delivery_id, c.organization_id, c.generation_id, c.subscription_id, c.recipient_id, c.channel,
         c.destination, c.formats, c.attempts, c.message_id, c.idempotency_key, r.name,
         CASE WHEN h.generation_id IS NOT NULL THEN jsonb_build_object(
           'generation_id', h.generation_id, 'template_key', h.template_key,
           'name', h.snapshot -> 'report' ->> 'name', 'organization', o.name, 'organization_slug', o.slug,
           'period_start', h.period_start, 'period_end', h.period_end, 'timezone', h.timezone,
           'generated_at', h.snapshot ->> 'generated_at', 'headline', h.summary ->> 'headline',
           'summary', h.summary, 'is_stale', h.is_stale, 'stale_reason', h.stale_reason,
           'venues', h.snapshot -> 'venues', 'files', h.files) END,
         c.alert
    FROM claimed c
    JOIN reporting.report_recipients r USING (organization_id, recipient_id)
    LEFT JOIN reporting.report_generation_history h USING (organization_id, generation_id)
    JOIN venue.organizations o USING (organization_id)
   ORDER BY c.next_attempt_at, c.delivery_id;
END
$fn$;

COMMENT ON FUNCTION api.claim_deliveries(text, integer, interval, text[]) IS
  'Claims up to p_limit due deliveries for sender p_worker under a lease (FOR UPDATE SKIP LOCKED, oldest first), after taking back expired leases; returns each with its report''s name, period, headline and files, or its alert.';
REVOKE ALL ON FUNCTION api.claim_deliveries(text, integer, interval, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.claim_deliveries(text, integer, interval, text[]) TO nightcap_renderer;
