-- A KPI alert's raise, escalation or clear is notified to the organization's admins (internal.tg_kpi_alert_events__notify).
DROP TRIGGER IF EXISTS kpi_alert_events__notify ON reporting.kpi_alert_events;
CREATE TRIGGER kpi_alert_events__notify
  AFTER INSERT ON reporting.kpi_alert_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_kpi_alert_events__notify();
