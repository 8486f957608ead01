-- The demo's reports: each organization's Daily Summary of the last complete
-- trading day and Weekly Summary of the last Monday-Sunday, on the London clock.
SELECT o.organization_id, o.name AS organization, t.template_key, p.period_start, p.period_end
  FROM venue.organizations o
 CROSS JOIN (VALUES (1, 'daily_summary', 'trading_day'), (2, 'weekly_summary', 'week')) AS t (ord, template_key, period_kind)
 CROSS JOIN LATERAL internal.report_period(t.period_kind, now(), 'Europe/London') p
 WHERE o.slug = ANY (%(slugs)s)
 ORDER BY o.name, t.ord
