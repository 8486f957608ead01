-- A subscription takes its tenant and template key from its recipient and template, and is checked
-- (internal.tg_report_subscriptions__prepare); the report jobs follow every change
-- (internal.tg_report_subscriptions__sync_jobs).

DROP TRIGGER IF EXISTS report_subscriptions__prepare ON reporting.report_subscriptions;
DROP TRIGGER IF EXISTS report_subscriptions__prepare__insert ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__prepare__insert
  BEFORE INSERT ON reporting.report_subscriptions
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_subscriptions__prepare();

-- Not on job_id or next_delivery_at: internal.sync_report_jobs writes those.
DROP TRIGGER IF EXISTS report_subscriptions__prepare__update ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__prepare__update
  BEFORE UPDATE OF organization_id, recipient_id, template_id, template_key, cron_expression, timezone,
    filters, delivery_channels, formats, is_paused
  ON reporting.report_subscriptions
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_subscriptions__prepare();

DROP TRIGGER IF EXISTS report_subscriptions__sync_jobs__insert ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__sync_jobs__insert
  AFTER INSERT ON reporting.report_subscriptions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_report_subscriptions__sync_jobs();

DROP TRIGGER IF EXISTS report_subscriptions__sync_jobs__update ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__sync_jobs__update
  AFTER UPDATE ON reporting.report_subscriptions REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_report_subscriptions__sync_jobs();

DROP TRIGGER IF EXISTS report_subscriptions__sync_jobs__delete ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__sync_jobs__delete
  AFTER DELETE ON reporting.report_subscriptions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_report_subscriptions__sync_jobs();

-- The audit log (internal.tg_audit_change): scheduled_report.created, .updated, .paused, .resumed,
-- .deleted. Not on job_id or next_delivery_at, which the engine moves as the jobs run.
DROP TRIGGER IF EXISTS report_subscriptions__audit__insert_delete ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__audit__insert_delete
  AFTER INSERT OR DELETE ON reporting.report_subscriptions
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change(
    'scheduled_report', 'subscription_id', '', '', '', 'job_id,next_delivery_at');

DROP TRIGGER IF EXISTS report_subscriptions__audit__update ON reporting.report_subscriptions;
CREATE TRIGGER report_subscriptions__audit__update
  AFTER UPDATE OF organization_id, recipient_id, template_id, template_key, cron_expression, timezone,
    filters, delivery_channels, formats, is_paused, paused_at, resumed_at
  ON reporting.report_subscriptions
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION internal.tg_audit_change(
    'scheduled_report', 'subscription_id', '', '', '', 'job_id,next_delivery_at',
    'is_paused=true:paused:paused_at,resumed_at', 'is_paused=false:resumed:paused_at,resumed_at');
