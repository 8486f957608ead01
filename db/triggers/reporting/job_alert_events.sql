-- A raised job alert is notified to the organization's admins (internal.tg_job_alert_events__notify).
DROP TRIGGER IF EXISTS job_alert_events__notify ON reporting.job_alert_events;
CREATE TRIGGER job_alert_events__notify
  AFTER INSERT ON reporting.job_alert_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_job_alert_events__notify();
