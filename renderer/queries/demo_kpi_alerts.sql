-- The nightly kpi_alerts job's work for the last four weeks, as if it had run
-- each night: every trading day's KPIs against each organization's own
-- thresholds, with hysteresis. Days already evaluated count nothing again,
-- so a second run of the demo adds only the nights since. Returns, per
-- organization, the evaluations made and the alerts raised, escalated and
-- cleared by them, and how many are open now.
WITH evaluated AS (
  SELECT o.organization_id, o.name AS organization, e.outcome
    FROM venue.organizations o
   CROSS JOIN LATERAL api.evaluate_kpi_alerts(o.organization_id, %(until)s::date - 27, %(until)s::date) e
   WHERE o.slug = ANY (%(slugs)s)
)
SELECT e.organization,
       count(*) FILTER (WHERE e.outcome NOT IN ('already_evaluated', 'no_value')) AS evaluations,
       count(*) FILTER (WHERE e.outcome = 'raised') AS raised,
       count(*) FILTER (WHERE e.outcome = 'escalated') AS escalated,
       count(*) FILTER (WHERE e.outcome = 'cleared') AS cleared,
       (SELECT count(*) FROM reporting.kpi_alert_states s
         WHERE s.organization_id = e.organization_id AND s.level <> 'none') AS open_now
  FROM evaluated e
 GROUP BY e.organization_id, e.organization
 ORDER BY e.organization
