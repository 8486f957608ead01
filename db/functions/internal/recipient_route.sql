-- internal.recipient_route(recipient, channel, require_verified, paused_at): where a message to a recipient goes, or why it does not.
CREATE OR REPLACE FUNCTION internal.recipient_route(
  p_recipient        reporting.report_recipients,
  p_channel          text,
  p_require_verified boolean,
  p_paused_at        timestamptz DEFAULT NULL
)
RETURNS TABLE (destination text, skip_reason text)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * The one rule for every message nightcap sends a recipient, a report's
   * delivery (internal.create_deliveries) or an alert notification
   * (internal.create_alert_deliveries): the destination of the channel (the
   * address, webhook or Slack URL), and the reason to skip it instead, first
   * that applies: suppressed, consent withdrawn, subscription paused
   * (p_paused_at, reports only), email unverified where the organization
   * requires verification, SMS (no transport), a webhook or Slack channel
   * without its URL. skip_reason NULL: send it.
   */
  SELECT CASE p_channel WHEN 'email' THEN p_recipient.email WHEN 'webhook' THEN p_recipient.webhook_url
                        WHEN 'slack' THEN p_recipient.slack_webhook_url END,
         CASE WHEN p_recipient.suppressed_at IS NOT NULL
                THEN format('recipient suppressed since %s: %s', p_recipient.suppressed_at,
                            p_recipient.suppression_reason)
              WHEN p_recipient.consent_withdrawn_at IS NOT NULL
                THEN format('recipient withdrew consent at %s', p_recipient.consent_withdrawn_at)
              WHEN p_paused_at IS NOT NULL THEN format('subscription paused at %s', p_paused_at)
              WHEN p_channel = 'email' AND p_require_verified AND p_recipient.verified_at IS NULL
                THEN 'email address not verified, and the organization requires verification'
              WHEN p_channel = 'sms' THEN 'no SMS transport is configured'
              WHEN p_channel IN ('webhook', 'slack')
                   AND (CASE p_channel WHEN 'webhook' THEN p_recipient.webhook_url
                                       ELSE p_recipient.slack_webhook_url END) IS NULL
                THEN format('recipient has no %s URL', p_channel)
         END
$fn$;

COMMENT ON FUNCTION internal.recipient_route(reporting.report_recipients, text, boolean, timestamptz) IS
  'The destination of a recipient''s channel and the reason to skip it (suppressed, consent withdrawn, paused, unverified, SMS, no URL), shared by report deliveries and alert notifications.';
REVOKE ALL ON FUNCTION internal.recipient_route(reporting.report_recipients, text, boolean, timestamptz) FROM PUBLIC;
