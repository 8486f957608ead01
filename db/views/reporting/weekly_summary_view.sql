-- reporting.weekly_summary_view: each venue's ISO weeks with week-over-week change.
DROP MATERIALIZED VIEW IF EXISTS reporting.weekly_summary_view;
CREATE MATERIALIZED VIEW reporting.weekly_summary_view (organization_id, venue_id, week_start) AS
SELECT * FROM internal.period_summaries('week');

CREATE UNIQUE INDEX weekly_summary_view_key ON reporting.weekly_summary_view (organization_id, venue_id, week_start);
COMMENT ON MATERIALIZED VIEW reporting.weekly_summary_view IS
  'Each venue''s weeks (Monday to Sunday trading days) summed from the daily rollup, with the previous week''s figures and the change as a fraction (0.10 = +10%; NULL without a previous week). Refreshed concurrently by api.refresh_summary_views().';
