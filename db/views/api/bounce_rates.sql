-- api.bounce_rates: email bounces and complaints per organization over the last day and 30 days.
DROP VIEW IF EXISTS api.bounce_rates;
CREATE VIEW api.bounce_rates WITH (security_invoker = true) AS
SELECT w.period, d.organization_id,
       count(*) AS emails,
       count(*) FILTER (WHERE d.status = 'bounced') AS bounced,
       count(*) FILTER (WHERE d.status = 'complained') AS complained,
       round(count(*) FILTER (WHERE d.status IN ('bounced', 'complained'))::numeric / count(*), 4) AS bounce_rate
  FROM (VALUES ('1 day', interval '1 day'), ('30 days', interval '30 days')) AS w(period, span)
  JOIN reporting.report_delivery_history d
    ON d.channel = 'email' AND d.sent_at >= now() - w.span
   AND d.status IN ('sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained')
 GROUP BY w.period, d.organization_id;

COMMENT ON VIEW api.bounce_rates IS
  'Per organization, over the emails handed to a provider (sent_at) in the last day and the last 30 days (period): how many, how many bounced and how many drew a complaint, and the bounce rate = (bounced + complained) / emails, as a fraction (0.05 = 5%, the seed''s alert level). Emails still queued, deferred, failed before sending or skipped are not counted.';
COMMENT ON COLUMN api.bounce_rates.emails IS 'Email deliveries sent to a provider in the period that are now sent, delivered, opened, clicked, bounced or complained.';
REVOKE ALL ON api.bounce_rates FROM PUBLIC;
GRANT SELECT ON api.bounce_rates TO nightcap_admin, nightcap_manager, nightcap_auditor;
