-- internal.tg_report_delivery_history__alert_notified(): an alert is notified once its first notification is sent.
CREATE OR REPLACE FUNCTION internal.tg_report_delivery_history__alert_notified()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * AFTER UPDATE OF status on reporting.report_delivery_history, per row,
   * when an alert notification becomes sent (api.record_delivery): the job
   * or KPI alert event it came from gets notified_at, the time its first
   * admin was sent it (later ones leave it as it is). What each admin got
   * is in the delivery rows and the audit log (alert.notified).
   */
  UPDATE reporting.job_alert_events e
     SET notified_at = clock_timestamp()
   WHERE NEW.job_alert_event_id IS NOT NULL
     AND e.organization_id = NEW.organization_id AND e.event_id = NEW.job_alert_event_id
     AND e.notified_at IS NULL;
  UPDATE reporting.kpi_alert_events e
     SET notified_at = clock_timestamp()
   WHERE NEW.kpi_alert_event_id IS NOT NULL
     AND e.organization_id = NEW.organization_id AND e.kpi_alert_event_id = NEW.kpi_alert_event_id
     AND e.notified_at IS NULL;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_delivery_history__alert_notified() IS
  'Sets notified_at on the job or KPI alert event whose first notification was just sent.';
REVOKE ALL ON FUNCTION internal.tg_report_delivery_history__alert_notified() FROM PUBLIC;
