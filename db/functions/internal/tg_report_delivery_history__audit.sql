-- internal.tg_report_delivery_history__audit(): every delivery status change into the compliance log.
CREATE OR REPLACE FUNCTION internal.tg_report_delivery_history__audit()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * AFTER INSERT or UPDATE OF status on reporting.report_delivery_history,
   * per row: one audit.delivery_events row (event 'status') with the old and
   * new status, the provider, who made the change (the worker holding the
   * delivery, else the acting user) and the error or skip reason.
   */
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit.delivery_events (organization_id, delivery_id, actor, event, from_status, to_status, provider, details)
  VALUES (NEW.organization_id, NEW.delivery_id, coalesce(NEW.worker, internal.current_actor()), 'status',
          CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.provider,
          jsonb_strip_nulls(jsonb_build_object(
            'channel', NEW.channel, 'attempt', NEW.attempts, 'error', NEW.last_error,
            'skip_reason', NEW.skip_reason, 'provider_message_id', NEW.provider_message_id,
            'next_attempt_at', NEW.next_attempt_at)));
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_delivery_history__audit() IS
  'Appends each delivery status change (from, to, by whom, provider, error) to audit.delivery_events.';
REVOKE ALL ON FUNCTION internal.tg_report_delivery_history__audit() FROM PUBLIC;
