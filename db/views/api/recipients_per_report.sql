-- api.recipients_per_report: subscribers and recipients reached per report template key.
DROP VIEW IF EXISTS api.recipients_per_report;
CREATE VIEW api.recipients_per_report WITH (security_invoker = true) AS
WITH subs AS (
  SELECT s.organization_id, s.template_key,
         count(DISTINCT s.recipient_id) FILTER (WHERE NOT s.is_paused) AS subscribers
    FROM reporting.report_subscriptions s
   GROUP BY s.organization_id, s.template_key
), reached AS MATERIALIZED (
  SELECT g.organization_id, g.template_key, g.generation_id,
         (SELECT count(DISTINCT d.recipient_id)
            FROM reporting.report_delivery_history d
           WHERE d.organization_id = g.organization_id AND d.generation_id = g.generation_id
             AND d.status <> 'skipped') AS recipients
    FROM reporting.report_generation_history g
   WHERE g.status = 'completed' AND coalesce(g.completed_at, g.failed_at) >= now() - interval '30 days'
), per_key AS (
  SELECT r.organization_id, r.template_key, count(*) AS reports_30d,
         sum(r.recipients) AS recipients_30d,
         round(avg(r.recipients), 2) AS average_recipients,
         max(r.recipients) AS most_recipients
    FROM reached r
   GROUP BY r.organization_id, r.template_key
)
SELECT coalesce(s.organization_id, p.organization_id) AS organization_id,
       coalesce(s.template_key, p.template_key) AS template_key,
       coalesce(s.subscribers, 0) AS subscribers,
       coalesce(p.reports_30d, 0) AS reports_30d,
       coalesce(p.recipients_30d, 0) AS recipients_30d,
       p.average_recipients,
       p.most_recipients
  FROM subs s
  FULL JOIN per_key p USING (organization_id, template_key);

COMMENT ON VIEW api.recipients_per_report IS
  'Per organization and report template key: recipients subscribed now (subscriptions not paused), and over the reports completed in the last 30 days the recipients each was sent to (distinct recipients with a delivery not skipped): in total, on average per report, and at most.';
COMMENT ON COLUMN api.recipients_per_report.subscribers IS 'Distinct recipients with a subscription to the key that is not paused.';
COMMENT ON COLUMN api.recipients_per_report.average_recipients IS 'Mean recipients per completed report of the last 30 days (reports sent to nobody count as 0); NULL without such reports.';
REVOKE ALL ON api.recipients_per_report FROM PUBLIC;
GRANT SELECT ON api.recipients_per_report TO nightcap_admin, nightcap_manager, nightcap_auditor;
