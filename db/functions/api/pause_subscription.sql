-- api.pause_subscription(subscription, reason): stop a subscription's deliveries (the one-click unsubscribe).
-- SECURITY DEFINER: a one-click unsubscribe, verified by the renderer's link server (nightcap_renderer, no table privileges), pauses a subscription of any organization.
CREATE OR REPLACE FUNCTION api.pause_subscription(p_subscription_id bigint, p_reason text DEFAULT 'unsubscribed')
RETURNS reporting.report_subscriptions
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_sub reporting.report_subscriptions;
BEGIN
  /*
   * What an email's List-Unsubscribe link does (RFC 8058 one-click, after
   * the renderer has checked the link's signature): pauses the
   * subscription, which stamps paused_at and disables its report job when
   * nobody else needs it, and skips its deliveries still waiting to be sent
   * (queued or deferred for a retry): nothing more goes out after an
   * unsubscribe. Pausing a paused subscription changes nothing. The pause
   * is logged in audit.delivery_events against the latest delivery of the
   * subscription. P0002 unknown subscription.
   */
  UPDATE reporting.report_subscriptions s SET is_paused = true
   WHERE s.subscription_id = p_subscription_id AND NOT s.is_paused;
  SELECT * INTO v_sub FROM reporting.report_subscriptions s WHERE s.subscription_id = p_subscription_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no report subscription %', coalesce(p_subscription_id::text, 'NULL') USING ERRCODE = 'P0002';
  END IF;
  UPDATE reporting.report_delivery_history d
     SET status = 'skipped', skip_reason = format('subscription paused: %s', p_reason),
         skipped_at = clock_timestamp(), next_attempt_at = NULL
   WHERE d.organization_id = v_sub.organization_id AND d.subscription_id = p_subscription_id
     AND d.status IN ('queued', 'deferred');
  INSERT INTO audit.delivery_events (organization_id, delivery_id, actor, event, details)
  SELECT d.organization_id, d.delivery_id, internal.current_actor(), 'unsubscribed',
         jsonb_build_object('subscription_id', p_subscription_id, 'reason', p_reason)
    FROM reporting.report_delivery_history d
   WHERE d.organization_id = v_sub.organization_id AND d.subscription_id = p_subscription_id
   ORDER BY d.delivery_id DESC
   LIMIT 1;
  RETURN v_sub;
END
$fn$;

COMMENT ON FUNCTION api.pause_subscription(bigint, text) IS
  'Pauses a report subscription (the one-click unsubscribe): its deliveries stop; logged in the audit trail.';
REVOKE ALL ON FUNCTION api.pause_subscription(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.pause_subscription(bigint, text) TO nightcap_renderer;
