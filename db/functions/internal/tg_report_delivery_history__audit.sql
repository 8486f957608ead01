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
   *
   * And, when the delivery reaches an outcome, one summary event in
   * audit.events: report.sent (handed to the provider or accepted by the
   * endpoint), report.delivered, report.bounced, report.complained,
   * report.delivery_failed, report.delivery_skipped; for an alert
   * notification alert.notified (sent), alert.delivered, alert.bounced,
   * alert.complained, alert.notification_failed,
   * alert.notification_skipped. audit.delivery_events
   * stays the full trail of each delivery (every retry, deferral, open and
   * click, the providers' answers); audit.events is the one log an auditor
   * reads for who did what to a report, from report_execution.started to
   * report.downloaded, and without the outcome of its sending that story
   * would have a hole. Only outcomes, so a delivery adds one or two rows
   * there (sent, then delivered), however many attempts it took; the
   * delivery_id leads to the rest. The destination (an address or URL) is
   * left out: it is the recipient's, found through recipient_id. The error
   * is kept without the addresses and URLs it quotes (internal.scrub_personal):
   * the log outlives the retention policy that blanks them on the delivery.
   */
  IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit.delivery_events (organization_id, delivery_id, actor, event, from_status, to_status, provider, details)
  VALUES (NEW.organization_id, NEW.delivery_id, coalesce(NEW.worker, internal.current_actor()), 'status',
          CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status, NEW.provider,
          jsonb_strip_nulls(jsonb_build_object(
            'channel', NEW.channel, 'attempt', NEW.attempts, 'error', internal.scrub_personal(NEW.last_error),
            'skip_reason', NEW.skip_reason, 'provider_message_id', NEW.provider_message_id,
            'next_attempt_at', NEW.next_attempt_at)));
  IF NEW.status IN ('sent', 'delivered', 'bounced', 'complained', 'failed', 'skipped') THEN
    PERFORM internal.audit_event(
      NEW.organization_id,
      CASE WHEN NEW.alert IS NULL
           THEN 'report.' || CASE NEW.status WHEN 'failed' THEN 'delivery_failed' WHEN 'skipped' THEN 'delivery_skipped'
                                             ELSE NEW.status END
           ELSE 'alert.' || CASE NEW.status WHEN 'sent' THEN 'notified' WHEN 'failed' THEN 'notification_failed'
                                            WHEN 'skipped' THEN 'notification_skipped' ELSE NEW.status END
      END,
      CASE WHEN NEW.alert IS NULL THEN 'report_delivery' ELSE 'alert_notification' END, NEW.delivery_id::text,
      CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('status', OLD.status) END,
      jsonb_build_object('status', NEW.status),
      jsonb_strip_nulls(jsonb_build_object(
        'generation_id', NEW.generation_id, 'subscription_id', NEW.subscription_id,
        'job_alert_event_id', NEW.job_alert_event_id, 'kpi_alert_event_id', NEW.kpi_alert_event_id,
        'recipient_id', NEW.recipient_id, 'channel', NEW.channel, 'formats', NEW.formats,
        'provider', NEW.provider, 'provider_message_id', NEW.provider_message_id, 'attempts', NEW.attempts,
        'worker', NEW.worker, 'error', internal.scrub_personal(NEW.last_error), 'skip_reason', NEW.skip_reason)));
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_delivery_history__audit() IS
  'Appends each delivery status change (from, to, by whom, provider, error) to audit.delivery_events, and each outcome (report.sent, .delivered, .bounced, .complained, .delivery_failed, .delivery_skipped; for alerts alert.notified, ...) to audit.events.';
REVOKE ALL ON FUNCTION internal.tg_report_delivery_history__audit() FROM PUBLIC;
