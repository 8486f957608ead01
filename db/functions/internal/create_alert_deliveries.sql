-- internal.create_alert_deliveries(organization, job alert event, KPI alert event, alert, channels): an alert's notifications to the organization's admins.
CREATE OR REPLACE FUNCTION internal.create_alert_deliveries(
  p_organization_id    uuid,
  p_job_alert_event_id bigint,
  p_kpi_alert_event_id bigint,
  p_alert              jsonb,
  p_channels           text[] DEFAULT NULL
)
RETURNS integer
LANGUAGE sql
AS $fn$
  /*
   * One reporting.report_delivery_history row per admin of the organization
   * (venue.memberships role admin) who has a contact, a report recipient
   * linked to them (report_recipients.user_id), and per channel of that
   * recipient that carries messages (email, webhook, Slack; SMS is written
   * skipped, as for reports; the dashboard and api channels show the alert
   * tables themselves), narrowed to p_channels when given (a job alert
   * rule's channel types). internal.recipient_route decides the destination and
   * the reason to skip (suppressed, consent withdrawn, unverified, no URL),
   * the same rule as a report's deliveries. The rest is a delivery like any
   * other: claimed, leased, retried and recorded by the same api functions.
   * Exactly once: a second call for the same event writes nothing (the
   * job_alert_once / kpi_alert_once constraints). message_id is stable per
   * event, recipient and channel. An admin without a linked recipient is
   * not reachable and gets nothing; when nobody at all is reachable, the
   * alert is not dropped in silence: alert.unrouted goes to the audit log
   * with the reason, for the operator to see. Returns the rows written.
   */
  WITH planned AS (
    SELECT r.organization_id, r.recipient_id, c.channel, route.destination, route.skip_reason
      FROM venue.memberships m
      JOIN reporting.report_recipients r ON r.organization_id = m.organization_id AND r.user_id = m.user_id
      JOIN venue.organizations o ON o.organization_id = m.organization_id
     CROSS JOIN LATERAL unnest(r.preferred_channels) AS c (channel)
     CROSS JOIN LATERAL internal.recipient_route(r, c.channel, o.require_verified_recipients) route
     WHERE m.organization_id = p_organization_id AND m.role = 'admin'
       AND c.channel IN ('email', 'webhook', 'slack', 'sms')
       AND (p_channels IS NULL OR c.channel = ANY (p_channels))
  ), written AS (
    INSERT INTO reporting.report_delivery_history AS d
           (organization_id, job_alert_event_id, kpi_alert_event_id, alert, recipient_id, channel, destination,
            status, skip_reason, next_attempt_at, message_id, skipped_at)
    SELECT p.organization_id, p_job_alert_event_id, p_kpi_alert_event_id, p_alert, p.recipient_id, p.channel,
           p.destination,
           CASE WHEN p.skip_reason IS NULL THEN 'queued' ELSE 'skipped' END, p.skip_reason,
           CASE WHEN p.skip_reason IS NULL THEN clock_timestamp() END,
           format('<alert-%s-%s.rcpt-%s.%s@nightcap>',
                  CASE WHEN p_job_alert_event_id IS NOT NULL THEN 'job' ELSE 'kpi' END,
                  coalesce(p_job_alert_event_id, p_kpi_alert_event_id), p.recipient_id, p.channel),
           CASE WHEN p.skip_reason IS NOT NULL THEN clock_timestamp() END
      FROM planned p
        ON CONFLICT DO NOTHING
    RETURNING 1
  ), alert AS (
    SELECT CASE WHEN p_job_alert_event_id IS NOT NULL THEN 'job_alert_event' ELSE 'kpi_alert_event' END AS object_type,
           coalesce(p_job_alert_event_id, p_kpi_alert_event_id)::text AS object_id
  ), unrouted AS (
    SELECT internal.audit_event(
             p_organization_id, 'alert.unrouted', a.object_type, a.object_id, NULL, NULL,
             jsonb_strip_nulls(jsonb_build_object(
               'reason', 'no admin of the organization has a linked report recipient with a message channel'
                         || CASE WHEN p_channels IS NULL THEN '' ELSE ' among the rule''s' END,
               'channels', p_channels, 'level', p_alert ->> 'level', 'transition', p_alert ->> 'transition')))
      FROM alert a
     WHERE NOT EXISTS (SELECT 1 FROM planned)
       -- once per event, as its deliveries would be
       AND NOT EXISTS (SELECT 1 FROM audit.events e
                        WHERE e.organization_id = p_organization_id AND e.event = 'alert.unrouted'
                          AND e.object_type = a.object_type AND e.object_id IS NOT DISTINCT FROM a.object_id)
  )
  -- unrouted is read only so that it runs (a SELECT in WITH runs when read); it adds nothing.
  SELECT (SELECT count(*)::integer FROM written) + (SELECT count(*)::integer * 0 FROM unrouted)
$fn$;

COMMENT ON FUNCTION internal.create_alert_deliveries(uuid, bigint, bigint, jsonb, text[]) IS
  'Queues an alert''s notifications: one delivery per admin with a linked recipient and per message channel of theirs (skipped with the reason where report deliveries would be), once per event; audits alert.unrouted when nobody is reachable.';
REVOKE ALL ON FUNCTION internal.create_alert_deliveries(uuid, bigint, bigint, jsonb, text[]) FROM PUBLIC;
