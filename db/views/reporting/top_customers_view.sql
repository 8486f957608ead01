-- reporting.top_customers_view: customers ranked by spend and by visits within their organization.
DROP MATERIALIZED VIEW IF EXISTS reporting.top_customers_view;
CREATE MATERIALIZED VIEW reporting.top_customers_view AS
WITH visits AS (
  SELECT organization_id, customer_id,
         count(*) FILTER (WHERE status = 'completed') AS visits,
         count(*) AS bookings_total,
         min(arrives_at) FILTER (WHERE status = 'completed') AS first_visit_at,
         max(arrives_at) FILTER (WHERE status = 'completed') AS last_visit_at
    FROM venue.bookings
   WHERE customer_id IS NOT NULL
   GROUP BY 1, 2
), spend AS (
  SELECT organization_id, customer_id,
         coalesce(sum(amount) FILTER (WHERE kind <> 'refund'), 0)
           - coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0) AS total_spend
    FROM venue.payments
   WHERE customer_id IS NOT NULL AND status = 'succeeded'
   GROUP BY 1, 2
)
SELECT c.organization_id, c.customer_id, c.is_vip,
       v.visits, v.bookings_total, v.first_visit_at, v.last_visit_at,
       coalesce(s.total_spend, 0) AS total_spend,
       rank() OVER (PARTITION BY c.organization_id ORDER BY coalesce(s.total_spend, 0) DESC) AS spend_rank,
       rank() OVER (PARTITION BY c.organization_id ORDER BY v.visits DESC) AS visits_rank
  FROM venue.customers c
  JOIN visits v USING (organization_id, customer_id)
  LEFT JOIN spend s USING (organization_id, customer_id)
 WHERE c.erased_at IS NULL;

CREATE UNIQUE INDEX top_customers_view_key ON reporting.top_customers_view (organization_id, customer_id);
CREATE INDEX top_customers_view_spend_idx ON reporting.top_customers_view (organization_id, spend_rank);
COMMENT ON MATERIALIZED VIEW reporting.top_customers_view IS
  'Every customer with a booking: visits, net spend (succeeded payments less refunds) and their rank by spend and by visits in their organization. Holds ids only; names are joined at report time for those allowed to see them. Erased customers are left out. Refreshed concurrently by api.refresh_summary_views().';
