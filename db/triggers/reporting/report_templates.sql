-- Template versions are immutable once active (internal.tg_report_templates__guard),
-- and every creation, activation and retirement is logged (internal.tg_report_templates__log).

DROP TRIGGER IF EXISTS report_templates__guard ON reporting.report_templates;
CREATE TRIGGER report_templates__guard
  BEFORE INSERT OR UPDATE OR DELETE ON reporting.report_templates
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_templates__guard();

DROP TRIGGER IF EXISTS report_templates__log ON reporting.report_templates;
CREATE TRIGGER report_templates__log
  AFTER INSERT OR UPDATE OF status ON reporting.report_templates
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_templates__log();

-- Subscriptions follow their key: a new active version may bring another schedule,
-- and a key retired without a successor leaves its report jobs nothing to run.
DROP TRIGGER IF EXISTS report_templates__sync_jobs ON reporting.report_templates;
CREATE TRIGGER report_templates__sync_jobs
  AFTER UPDATE OF status ON reporting.report_templates
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
  EXECUTE FUNCTION internal.tg_report_templates__sync_jobs();

-- The audit log (internal.tg_audit_change): report_template.created, .updated, .activated,
-- .retired, .deleted.
DROP TRIGGER IF EXISTS report_templates__audit ON reporting.report_templates;
CREATE TRIGGER report_templates__audit
  AFTER INSERT OR UPDATE OR DELETE ON reporting.report_templates
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change(
    'report_template', 'template_id', '', '', '', '',
    'status=active:activated:activated_at,retired_at', 'status=retired:retired:activated_at,retired_at');
