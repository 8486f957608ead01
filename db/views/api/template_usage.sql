-- api.template_usage: the most used report templates: reports, cache hits and subscribers per template key.
DROP VIEW IF EXISTS api.template_usage;
CREATE VIEW api.template_usage WITH (security_invoker = true) AS
WITH reports AS (
  SELECT g.organization_id, g.template_key,
         count(*) AS reports_30d,
         count(*) FILTER (WHERE g.status = 'completed') AS completed_30d,
         coalesce(sum(g.cache_hits), 0) AS cache_hits_30d,
         max(g.requested_at) AS last_requested_at
    FROM reporting.report_generation_history g
   WHERE g.requested_at >= now() - interval '30 days'
   GROUP BY g.organization_id, g.template_key
), subs AS (
  SELECT s.organization_id, s.template_key, count(*) FILTER (WHERE NOT s.is_paused) AS subscriptions
    FROM reporting.report_subscriptions s
   GROUP BY s.organization_id, s.template_key
), keys AS (
  SELECT t.organization_id, t.template_key,
         (array_agg(t.name ORDER BY t.status = 'active' DESC, t.version DESC))[1] AS name
    FROM reporting.report_templates t
   GROUP BY t.organization_id, t.template_key
)
SELECT k.organization_id, k.template_key, k.name,
       coalesce(r.reports_30d, 0) AS reports_30d,
       coalesce(r.completed_30d, 0) AS completed_30d,
       coalesce(r.cache_hits_30d, 0) AS cache_hits_30d,
       coalesce(s.subscriptions, 0) AS subscriptions,
       r.last_requested_at,
       rank() OVER (PARTITION BY k.organization_id
                    ORDER BY coalesce(r.reports_30d, 0) + coalesce(r.cache_hits_30d, 0) DESC) AS usage_rank
  FROM keys k
  LEFT JOIN reports r USING (organization_id, template_key)
  LEFT JOIN subs s USING (organization_id, template_key);

COMMENT ON VIEW api.template_usage IS
  'Per organization and report template key (its active version''s name, else its latest): reports requested in the last 30 days, how many completed, cache hits (repeat requests served by an earlier snapshot), active subscriptions, the latest request, and its rank in the organization by use (reports plus cache hits; ties share a rank). ORDER BY usage_rank for the most used.';
COMMENT ON COLUMN api.template_usage.usage_rank IS '1 = the organization''s most used template key over the last 30 days (reports_30d + cache_hits_30d).';
COMMENT ON COLUMN api.template_usage.subscriptions IS 'Subscriptions to the key that are not paused.';
REVOKE ALL ON api.template_usage FROM PUBLIC;
GRANT SELECT ON api.template_usage TO nightcap_admin, nightcap_manager, nightcap_auditor;
