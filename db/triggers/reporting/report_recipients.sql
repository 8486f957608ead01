-- The audit log (internal.tg_audit_change): recipient.added, .updated, .removed, and
-- .consent_given, .consent_withdrawn, .suppressed, .unsuppressed as those times change.
-- Not on bounce_count, which every bounce moves (audit.delivery_events has each bounce).
DROP TRIGGER IF EXISTS report_recipients__audit__insert_delete ON reporting.report_recipients;
CREATE TRIGGER report_recipients__audit__insert_delete
  AFTER INSERT OR DELETE ON reporting.report_recipients
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change(
    'recipient', 'recipient_id', 'added', '', 'removed', 'bounce_count');

DROP TRIGGER IF EXISTS report_recipients__audit__update ON reporting.report_recipients;
CREATE TRIGGER report_recipients__audit__update
  AFTER UPDATE OF organization_id, recipient_id, name, email, role, preferred_channels, preferred_formats,
    timezone, webhook_url, slack_webhook_url, consent_given_at, consent_withdrawn_at, verified_at,
    suppressed_at, suppression_reason, user_id
  ON reporting.report_recipients
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION internal.tg_audit_change(
    'recipient', 'recipient_id', 'added', '', 'removed', 'bounce_count',
    'consent_given_at=*:consent_given:consent_withdrawn_at', 'consent_withdrawn_at=*:consent_withdrawn',
    'suppressed_at=*:suppressed:suppression_reason', 'suppressed_at=-:unsuppressed:suppression_reason');
