-- api.record_provider_event(provider, message id, event, at, details): what the email provider saw happen to a message.
-- SECURITY DEFINER: a provider's webhook, verified by the renderer's link server (nightcap_renderer), names a delivery of any organization; the daemon holds no table privileges.
CREATE OR REPLACE FUNCTION api.record_provider_event(
  p_provider            text,
  p_provider_message_id text,
  p_event               text,
  p_occurred_at         timestamptz DEFAULT now(),
  p_details             jsonb DEFAULT '{}'
)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_d        reporting.report_delivery_history;
  v_rank     integer;
  v_new      text;
  v_rate     numeric;
  v_job_id   bigint;
  v_alert_id bigint;
BEGIN
  /*
   * Called by the renderer's webhook endpoint after it has verified the
   * provider's signature: delivered, opened, clicked, bounced (a hard
   * bounce) or complained for the message the provider knows as
   * p_provider_message_id. The status moves forward only (sent < delivered
   * < opened < clicked; bounced and complained end it), each transition
   * timestamped; a repeated or late event changes nothing but is logged.
   * A bounce or complaint counts against the recipient (suppressed at the
   * organization's threshold), and when more than 5% of the report's email
   * deliveries have bounced or complained, the report job's bounce_rate
   * alert fires (seed 003). The event is appended to audit.delivery_events.
   * Returns the delivery's id. 22023 unknown event; P0002 unknown message.
   */
  IF p_event IS NULL OR p_event NOT IN ('delivered', 'opened', 'clicked', 'bounced', 'complained') THEN
    RAISE EXCEPTION 'record_provider_event: event must be delivered, opened, clicked, bounced or complained, got %',
      coalesce(p_event, 'NULL') USING ERRCODE = '22023';
  END IF;
  SELECT * INTO v_d
    FROM reporting.report_delivery_history d
   WHERE d.provider = p_provider AND d.provider_message_id = p_provider_message_id
   FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'record_provider_event: no delivery sent through % as %', p_provider, p_provider_message_id
      USING ERRCODE = 'P0002';
  END IF;
  v_rank := array_position(ARRAY['sending', 'sent', 'delivered', 'opened', 'clicked'], v_d.status);
  v_new := CASE
    WHEN v_d.status IN ('bounced', 'complained', 'failed', 'skipped') THEN v_d.status
    WHEN p_event IN ('bounced', 'complained') THEN p_event
    WHEN v_rank IS NULL OR array_position(ARRAY['sending', 'sent', 'delivered', 'opened', 'clicked'], p_event) > v_rank
      THEN p_event
    ELSE v_d.status END;

  INSERT INTO audit.delivery_events (organization_id, delivery_id, actor, event, from_status, to_status, provider, details)
  VALUES (v_d.organization_id, v_d.delivery_id, 'provider:' || p_provider, 'provider_event', v_d.status, v_new, p_provider,
          jsonb_build_object('event', p_event, 'occurred_at', p_occurred_at,
                             -- without the addresses and URLs it quotes: the log outlives retention
                             'answer', internal.scrub_personal(coalesce(p_details, '{}')::text)::jsonb));
  PERFORM set_config('nightcap.actor', 'provider:' || p_provider, true);
  UPDATE reporting.report_delivery_history d
     SET status = v_new,
         worker = NULL,  -- the change is the provider's, not the last sender's (audit actor)
         delivered_at = CASE WHEN p_event = 'delivered' THEN coalesce(d.delivered_at, p_occurred_at) ELSE d.delivered_at END,
         opened_at = CASE WHEN p_event = 'opened' THEN coalesce(d.opened_at, p_occurred_at) ELSE d.opened_at END,
         clicked_at = CASE WHEN p_event = 'clicked' THEN coalesce(d.clicked_at, p_occurred_at) ELSE d.clicked_at END,
         bounced_at = CASE WHEN p_event = 'bounced' THEN coalesce(d.bounced_at, p_occurred_at) ELSE d.bounced_at END,
         complained_at = CASE WHEN p_event = 'complained' THEN coalesce(d.complained_at, p_occurred_at) ELSE d.complained_at END,
         next_attempt_at = CASE WHEN v_new IN ('bounced', 'complained') THEN NULL ELSE d.next_attempt_at END,
         last_error = CASE WHEN p_event IN ('bounced', 'complained') THEN coalesce(p_details ->> 'reason', p_event)
                           ELSE d.last_error END
   WHERE d.organization_id = v_d.organization_id AND d.delivery_id = v_d.delivery_id;

  IF p_event IN ('bounced', 'complained') AND v_d.status NOT IN ('bounced', 'complained') THEN
    PERFORM internal.count_recipient_bounce(v_d.organization_id, v_d.recipient_id,
                                            coalesce(p_details ->> 'reason', p_event));
    SELECT count(*) FILTER (WHERE d.status IN ('bounced', 'complained'))::numeric / nullif(count(*), 0), h.job_id
      INTO v_rate, v_job_id
      FROM reporting.report_delivery_history d
      JOIN reporting.report_generation_history h USING (organization_id, generation_id)
     WHERE d.organization_id = v_d.organization_id AND d.generation_id = v_d.generation_id
       AND d.channel = 'email' AND d.status <> 'skipped'
     GROUP BY h.job_id;
    IF v_rate > 0.05 AND v_job_id IS NOT NULL THEN
      FOR v_alert_id IN
        SELECT a.alert_id FROM internal.job_alert_rules(v_job_id, v_d.organization_id) a
         WHERE a.alert_type = 'bounce_rate'
      LOOP
        PERFORM internal.record_alert_event(v_alert_id, v_job_id, NULL,
          format('%s%% of report %s''s emails bounced or complained', round(100 * v_rate, 1), v_d.generation_id),
          jsonb_build_object('generation_id', v_d.generation_id, 'bounce_rate', round(v_rate, 4)));
      END LOOP;
    END IF;
  END IF;
  RETURN v_d.delivery_id;
END
$fn$;

COMMENT ON FUNCTION api.record_provider_event(text, text, text, timestamptz, jsonb) IS
  'Applies a verified provider event (delivered, opened, clicked, bounced, complained) to its delivery: forward-only status, bounces counted and suppressing, the bounce-rate alert past 5%, the audit log.';
REVOKE ALL ON FUNCTION api.record_provider_event(text, text, text, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.record_provider_event(text, text, text, timestamptz, jsonb) TO nightcap_renderer;
