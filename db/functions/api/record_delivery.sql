-- api.record_delivery(delivery, worker, outcome, provider, message id, error, retry_after, details): how a send attempt ended.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.record_delivery(
  p_delivery_id         bigint,
  p_worker              text,
  p_outcome             text,
  p_provider            text DEFAULT NULL,
  p_provider_message_id text DEFAULT NULL,
  p_error               text DEFAULT NULL,
  p_retry_after         interval DEFAULT NULL,
  p_details             jsonb DEFAULT '{}'
)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_d      reporting.report_delivery_history;
  v_status text;
  v_next   timestamptz;
BEGIN
  /*
   * The sender reports the attempt it made on a delivery it holds:
   *   sent      a provider accepted it (provider and its message id kept);
   *   deferred  every provider timed out, answered 5xx or 429: retried after
   *             retry_delays[attempt] (1, 5, 30 minutes), or after
   *             p_retry_after when a provider asked for longer (Retry-After),
   *             and failed after the last delay's attempt;
   *   bounced   a hard bounce or invalid address: never retried; counts
   *             against the recipient (suppressed at the threshold);
   *   failed    refused for good for another reason (never retried).
   * The attempt and the provider's answer (p_details) are appended to
   * audit.delivery_events. Returns the new status. 22023 unknown outcome;
   * P0002 unknown delivery; 55000 when p_worker does not hold it, except
   * for a late 'sent' (the provider took it after the lease ran out) while
   * nobody has claimed the delivery again: that is recorded sent, so it is
   * not sent twice and its provider id is kept.
   */
  IF p_outcome IS NULL OR p_outcome NOT IN ('sent', 'deferred', 'bounced', 'failed') THEN
    RAISE EXCEPTION 'record_delivery: outcome must be sent, deferred, bounced or failed, got %', coalesce(p_outcome, 'NULL')
      USING ERRCODE = '22023';
  END IF;
  SELECT * INTO v_d FROM reporting.report_delivery_history d WHERE d.delivery_id = p_delivery_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'record_delivery: no delivery %', p_delivery_id USING ERRCODE = 'P0002';
  END IF;
  IF p_outcome = 'sent' AND v_d.status IN ('queued', 'deferred') AND p_provider_message_id IS NOT NULL THEN
    -- A sender whose lease ran out mid-send reports that the provider took
    -- the message after all: nobody has re-sent it yet, so it is sent (and
    -- the provider's later events will find it by its id). Recorded as is.
    v_d.worker := p_worker;
    v_d.status := 'sending';
  END IF;
  IF v_d.status <> 'sending' OR v_d.worker IS DISTINCT FROM p_worker THEN
    RAISE EXCEPTION 'record_delivery: delivery % is % (worker %), not sending by %', p_delivery_id, v_d.status,
      coalesce(v_d.worker, 'none'), p_worker
      USING ERRCODE = '55000', HINT = 'Its lease expired and another sender took it: drop this attempt''s record.';
  END IF;
  v_status := p_outcome;
  IF p_outcome = 'deferred' THEN
    IF v_d.attempts > cardinality(v_d.retry_delays) THEN
      v_status := 'failed';
    ELSE
      v_next := clock_timestamp() + greatest(v_d.retry_delays[v_d.attempts], coalesce(p_retry_after, interval '0'));
    END IF;
  END IF;

  INSERT INTO audit.delivery_events (organization_id, delivery_id, actor, event, from_status, to_status, provider, details)
  VALUES (v_d.organization_id, v_d.delivery_id, p_worker, 'attempt', 'sending', v_status, p_provider,
          -- The error and the provider's answer without the addresses and URLs they
          -- quote: the append-only log outlives the retention policy.
          jsonb_strip_nulls(jsonb_build_object('attempt', v_d.attempts, 'outcome', p_outcome,
                                               'error', internal.scrub_personal(p_error),
                                               'provider_message_id', p_provider_message_id,
                                               'retry_after', p_retry_after,
                                               'answer', internal.scrub_personal(p_details::text)::jsonb)));
  UPDATE reporting.report_delivery_history d
     SET status = v_status,
         provider = coalesce(p_provider, d.provider),
         provider_message_id = coalesce(p_provider_message_id, d.provider_message_id),
         last_error = CASE WHEN v_status = 'sent' THEN NULL ELSE p_error END,
         next_attempt_at = v_next,
         sent_at = CASE WHEN v_status = 'sent' THEN clock_timestamp() ELSE d.sent_at END,
         deferred_at = CASE WHEN v_status = 'deferred' THEN clock_timestamp() ELSE d.deferred_at END,
         bounced_at = CASE WHEN v_status = 'bounced' THEN clock_timestamp() ELSE d.bounced_at END,
         failed_at = CASE WHEN v_status = 'failed' THEN clock_timestamp() ELSE d.failed_at END,
         lease_expires_at = NULL
   WHERE d.organization_id = v_d.organization_id AND d.delivery_id = v_d.delivery_id;
  IF v_status = 'bounced' THEN
    PERFORM internal.count_recipient_bounce(v_d.organization_id, v_d.recipient_id,
                                            coalesce(p_error, 'hard bounce'));
  END IF;
  RETURN v_status;
END
$fn$;

COMMENT ON FUNCTION api.record_delivery(bigint, text, text, text, text, text, interval, jsonb) IS
  'Records how a send attempt ended (sent, deferred, bounced, failed): retry timing from retry_delays and Retry-After, bounces counted against the recipient, the attempt and answer in the audit log; returns the new status.';
REVOKE ALL ON FUNCTION api.record_delivery(bigint, text, text, text, text, text, interval, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.record_delivery(bigint, text, text, text, text, text, interval, jsonb) TO nightcap_renderer;
