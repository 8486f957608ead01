-- reporting.monthly_summary_view: each venue's months with month-over-month change.
DROP MATERIALIZED VIEW IF EXISTS reporting.monthly_summary_view;
CREATE MATERIALIZED VIEW reporting.monthly_summary_view (organization_id, venue_id, month_start) AS
SELECT * FROM internal.period_summaries('month');

CREATE UNIQUE INDEX monthly_summary_view_key ON reporting.monthly_summary_view (organization_id, venue_id, month_start);
COMMENT ON MATERIALIZED VIEW reporting.monthly_summary_view IS
  'Each venue''s calendar months of trading days summed from the daily rollup, with the previous month''s figures and the change as a fraction. Refreshed concurrently by api.refresh_summary_views().';
