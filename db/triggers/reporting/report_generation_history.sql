-- A report that completes gets its delivery rows in the same transaction
-- (internal.tg_report_generation_history__deliver).
DROP TRIGGER IF EXISTS report_generation_history__deliver ON reporting.report_generation_history;
CREATE TRIGGER report_generation_history__deliver
  AFTER UPDATE OF status ON reporting.report_generation_history
  FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
  EXECUTE FUNCTION internal.tg_report_generation_history__deliver();
