-- Every delivery status change is appended to the compliance log (internal.tg_report_delivery_history__audit).
DROP TRIGGER IF EXISTS report_delivery_history__audit ON reporting.report_delivery_history;
CREATE TRIGGER report_delivery_history__audit
  AFTER INSERT OR UPDATE OF status ON reporting.report_delivery_history
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_delivery_history__audit();

-- An alert event is notified when its first notification is sent (internal.tg_report_delivery_history__alert_notified).
DROP TRIGGER IF EXISTS report_delivery_history__alert_notified ON reporting.report_delivery_history;
CREATE TRIGGER report_delivery_history__alert_notified
  AFTER UPDATE OF status ON reporting.report_delivery_history
  FOR EACH ROW
  WHEN (NEW.status = 'sent' AND OLD.status IS DISTINCT FROM 'sent'
        AND (NEW.job_alert_event_id IS NOT NULL OR NEW.kpi_alert_event_id IS NOT NULL))
  EXECUTE FUNCTION internal.tg_report_delivery_history__alert_notified();
