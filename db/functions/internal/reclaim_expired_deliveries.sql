-- internal.reclaim_expired_deliveries(): sends whose sender died: their outcome is unknown, so they are sent again.
CREATE OR REPLACE FUNCTION internal.reclaim_expired_deliveries()
RETURNS integer
LANGUAGE sql
AS $fn$
  /*
   * Called by every api.claim_deliveries first. A delivery still 'sending'
   * after its lease expired belonged to a sender that died mid-send: the
   * provider may or may not have taken the message. It is deferred for an
   * immediate re-send with the same message_id and idempotency_key (Resend
   * drops a repeated idempotency key; mail clients thread or drop a repeated
   * Message-ID; SMTP, SendGrid and Slack may show it twice, which is why a
   * sender re-checks its lease right before each send, api.begin_delivery,
   * so only a sender dying mid-send gets here), or failed when that was its
   * last attempt. A send the provider confirmed was recorded 'sent' and is
   * never here. Returns how many it took back.
   */
  WITH expired AS (
    SELECT d.organization_id, d.delivery_id, d.attempts, cardinality(d.retry_delays) + 1 AS max_attempts, d.worker
      FROM reporting.report_delivery_history d
     WHERE d.status = 'sending' AND d.lease_expires_at < clock_timestamp()
       FOR UPDATE SKIP LOCKED
  ), taken AS (
    UPDATE reporting.report_delivery_history d
       SET status = CASE WHEN e.attempts >= e.max_attempts THEN 'failed' ELSE 'deferred' END,
           deferred_at = CASE WHEN e.attempts < e.max_attempts THEN clock_timestamp() ELSE d.deferred_at END,
           failed_at = CASE WHEN e.attempts >= e.max_attempts THEN clock_timestamp() END,
           next_attempt_at = CASE WHEN e.attempts < e.max_attempts THEN clock_timestamp() END,
           last_error = format('sender %s stopped mid-send (lease expired); outcome unknown', e.worker),
           worker = NULL, lease_expires_at = NULL
      FROM expired e
     WHERE d.organization_id = e.organization_id AND d.delivery_id = e.delivery_id
    RETURNING 1
  )
  SELECT count(*)::integer FROM taken
$fn$;

COMMENT ON FUNCTION internal.reclaim_expired_deliveries() IS
  'Defers for an immediate re-send (same Message-ID and idempotency key) the deliveries whose sender died mid-send, or fails them after their last attempt.';
REVOKE ALL ON FUNCTION internal.reclaim_expired_deliveries() FROM PUBLIC;
