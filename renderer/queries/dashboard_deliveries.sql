-- Deliveries, newest first: who, by which channel, how it went. A report's
-- deliveries name their report; an alert notification (generation_id NULL,
-- the alert in its place) is shown by its alert.
SELECT d.delivery_id, d.generation_id, o.name AS organization, coalesce(t.name, h.template_key) AS report,
       h.period_end, d.alert,
       r.name AS recipient, d.channel, d.destination, d.status, d.attempts,
       coalesce(d.delivered_at, d.sent_at, d.failed_at, d.skipped_at, d.queued_at) AS at,
       coalesce(d.last_error, d.skip_reason) AS note
  FROM reporting.report_delivery_history d
  LEFT JOIN reporting.report_generation_history h USING (organization_id, generation_id)
  JOIN venue.organizations o ON o.organization_id = d.organization_id
  LEFT JOIN reporting.report_templates t
    ON t.organization_id = h.organization_id AND t.template_id = h.template_id
  LEFT JOIN reporting.report_recipients r
    ON r.organization_id = d.organization_id AND r.recipient_id = d.recipient_id
 WHERE (%(status)s::text IS NULL OR d.status = %(status)s)
 ORDER BY d.delivery_id DESC
 LIMIT 200
