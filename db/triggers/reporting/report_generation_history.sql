-- A report that completes gets its delivery rows in the same transaction
-- (internal.tg_report_generation_history__deliver).
DROP TRIGGER IF EXISTS report_generation_history__deliver ON reporting.report_generation_history;
CREATE TRIGGER report_generation_history__deliver
  AFTER UPDATE OF status ON reporting.report_generation_history
  FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
  EXECUTE FUNCTION internal.tg_report_generation_history__deliver();

-- The audit log (internal.tg_report_generation_history__audit): report_execution.started
-- when a report is asked for; .completed, .failed, .skipped when it ends. Claims,
-- heartbeats, retries and cache hits update rows too, and never call it.
DROP TRIGGER IF EXISTS report_generation_history__audit__insert ON reporting.report_generation_history;
CREATE TRIGGER report_generation_history__audit__insert
  AFTER INSERT ON reporting.report_generation_history
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_generation_history__audit();

DROP TRIGGER IF EXISTS report_generation_history__audit__update ON reporting.report_generation_history;
CREATE TRIGGER report_generation_history__audit__update
  AFTER UPDATE OF status ON reporting.report_generation_history
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('completed', 'failed', 'skipped'))
  EXECUTE FUNCTION internal.tg_report_generation_history__audit();
