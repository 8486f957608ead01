-- Every delivery status change is appended to the compliance log (internal.tg_report_delivery_history__audit).
DROP TRIGGER IF EXISTS report_delivery_history__audit ON reporting.report_delivery_history;
CREATE TRIGGER report_delivery_history__audit
  AFTER INSERT OR UPDATE OF status ON reporting.report_delivery_history
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_delivery_history__audit();
