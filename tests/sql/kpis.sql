-- KPIs: values, statuses, comparisons and caching, from daily rollup rows
-- written by hand here (the rollup itself is tested in aggregations.sql).
BEGIN;
SELECT plan(38);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000c901', 'KPI Org', 'kpi-org'),
  ('00000000-0000-4000-8000-00000000d901', 'Other Org', 'kpi-other');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000c901', 980001, 'Main', 'main', 100),
  ('00000000-0000-4000-8000-00000000c901', 980002, 'Annex', 'annex', 100),
  ('00000000-0000-4000-8000-00000000d901', 980003, 'Elsewhere', 'elsewhere', 100);

SELECT is((SELECT count(*) FROM reporting.kpi_definitions
            WHERE organization_id = '00000000-0000-4000-8000-00000000c901'),
  12::bigint, 'a new organization starts with the 12 standard KPIs');

-- Friday and Saturday open; Sunday only a refund. The Annex opens Saturday.
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, check_ins,
  bookings_total, bookings_completed, bookings_cancelled, bookings_pending, bookings_no_show,
  parties, party_size_sum, occupancy_rate, table_turnover, customers_new, customers_returning,
  customers_vip, feedback_count, rating_sum) VALUES
  ('00000000-0000-4000-8000-00000000c901', 980001, '2026-05-01', 20000, 1000, 19000, 400, 100, 80, 10, 2, 8, 90, 360, 0.9, 1.00, 30, 60, 3, 10, 45),
  ('00000000-0000-4000-8000-00000000c901', 980001, '2026-05-02', 40000, 0, 40000, 600, 150, 120, 15, 0, 15, 135, 540, 0.7, 0.80, 40, 100, 7, 20, 80),
  ('00000000-0000-4000-8000-00000000c901', 980001, '2026-05-03', 0, 500, -500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  ('00000000-0000-4000-8000-00000000c901', 980002, '2026-05-02', 5000, 0, 5000, 100, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0),
  ('00000000-0000-4000-8000-00000000c901', 980001, '2026-04-24', 10000, 0, 10000, 250, 50, 40, 5, 0, 5, 45, 135, 0.6, 0.5, 10, 20, 1, 0, 0),
  ('00000000-0000-4000-8000-00000000c901', 980001, '2025-05-02', 15000, 0, 15000, 300, 60, 50, 5, 0, 5, 55, 220, 0.8, 0.9, 20, 30, 2, 0, 0),
  ('00000000-0000-4000-8000-00000000d901', 980003, '2026-05-02', 99999, 0, 99999, 10, 1, 1, 0, 0, 0, 1, 2, 0.1, 0, 1, 0, 0, 0, 0);

-- Values for the Main room, Friday to Sunday, worked out by hand.
SELECT is(api.calculate_kpi_value('daily_revenue', '2026-05-01', '2026-05-03', 980001), 30000.00,
  'daily revenue: 60,000 over 2 trading days (the refund-only Sunday is not one)');
SELECT is(api.calculate_kpi_value('net_revenue', '2026-05-01', '2026-05-03', 980001), 29250.00,
  'net revenue: (19,000 + 40,000 - 500) / 2');
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-01', '2026-05-03', 980001), 60.00,
  'spend per head: 60,000 / 1,000 people');
SELECT is(api.calculate_kpi_value('booking_conversion_rate', '2026-05-01', '2026-05-03', 980001), 0.8000,
  'conversion: 200 completed / 250');
SELECT is(api.calculate_kpi_value('cancellation_rate', '2026-05-01', '2026-05-03', 980001), 0.1000,
  'cancellations: 25 / 250');
SELECT is(api.calculate_kpi_value('no_show_rate', '2026-05-01', '2026-05-03', 980001), 0.1031,
  'no-shows: 23 / (250 - 25 cancelled - 2 pending)');
SELECT is(api.calculate_kpi_value('average_party_size', '2026-05-01', '2026-05-03', 980001), 4.00,
  'party size: 900 guests / 225 parties');
SELECT is(api.calculate_kpi_value('occupancy_rate', '2026-05-01', '2026-05-03', 980001), 0.8000,
  'occupancy: mean of 0.9 and 0.7 over the open nights');
SELECT is(api.calculate_kpi_value('table_turnover', '2026-05-01', '2026-05-03', 980001), 0.90,
  'turnover: mean of 1.00 and 0.80');
SELECT is(api.calculate_kpi_value('new_customer_share', '2026-05-01', '2026-05-03', 980001), 0.3043,
  'new customers: 70 / 230');
SELECT is(api.calculate_kpi_value('vip_share', '2026-05-01', '2026-05-03', 980001), 0.0435,
  'VIPs: 10 / 230');
SELECT is(api.calculate_kpi_value('average_rating', '2026-05-01', '2026-05-03', 980001), 4.17,
  'rating: 125 stars / 30 reviews');

-- Scope: one day, one organization, everything visible.
SELECT is(api.calculate_kpi_value('daily_revenue', '2026-05-02', '2026-05-02', 980001), 40000.00,
  'one venue, one day');
SELECT is(api.calculate_kpi_value('daily_revenue', '2026-05-01', '2026-05-03', NULL,
                                  '00000000-0000-4000-8000-00000000c901'), 32500.00,
  'the organization: 65,000 over its 2 open days, the other organization left out');
SELECT is(calculate_kpi_value('daily_revenue', '2026-05-02', '2026-05-02'), 144999.00,
  'the seed''s call shape: every visible venue');
SELECT is(api.calculate_kpi_value('daily_revenue', '2026-05-10', '2026-05-10', 980001), NULL,
  'no trading, no value');

-- Stored calculations with statuses, comparisons and the daily spread.
UPDATE reporting.kpi_definitions SET warning_threshold = 4.3, critical_threshold = 4.2
 WHERE organization_id = '00000000-0000-4000-8000-00000000c901' AND code = 'average_rating';
SELECT is((SELECT count(*) FROM api.calculate_kpis('00000000-0000-4000-8000-00000000c901',
                                                   '2026-05-01', '2026-05-03', 980001)),
  12::bigint, 'calculate_kpis stores all 12');
SELECT results_eq(
  $$SELECT code, status FROM reporting.kpi_calculations
     WHERE organization_id = '00000000-0000-4000-8000-00000000c901' AND venue_id = 980001
       AND period_start = '2026-05-01' ORDER BY code$$,
  $$VALUES ('average_party_size', 'on_target'), ('average_rating', 'critical'),
           ('average_spend_per_head', 'on_target'), ('booking_conversion_rate', 'on_target'),
           ('cancellation_rate', 'on_target'), ('daily_revenue', 'on_target'),
           ('net_revenue', 'on_target'), ('new_customer_share', 'on_target'),
           ('no_show_rate', 'warning'), ('occupancy_rate', 'on_target'),
           ('table_turnover', 'on_target'), ('vip_share', 'on_target')$$,
  'statuses: 0.10 cancellations sits on its threshold, 10.3% no-shows warn, 4.17 stars is critical under this organization''s own thresholds');
SELECT results_eq(
  $$SELECT value, target, attainment, week_ago_value, month_ago_value, year_ago_value,
           days, day_min, day_max, day_avg, day_stddev
      FROM reporting.kpi_calculations
     WHERE organization_id = '00000000-0000-4000-8000-00000000c901' AND venue_id = 980001
       AND code = 'daily_revenue' AND period_start = '2026-05-01'$$,
  $$VALUES (30000.0000, 30000.0000, 1.0000, 10000.0000, NULL::numeric, 15000.0000,
            2, 20000.0000, 40000.0000, 30000.0000, 14142.1356)$$,
  'daily revenue: a week ago 10,000, no month-ago trading, 364 days ago 15,000; two daily values');
SELECT is((SELECT count(*) FROM api.calculate_kpis('00000000-0000-4000-8000-00000000c901',
                                                   '2026-05-01', '2026-05-03', 980001)),
  12::bigint, 'recalculating the same period ...');
SELECT is((SELECT count(*) FROM reporting.kpi_calculations
            WHERE organization_id = '00000000-0000-4000-8000-00000000c901'),
  12::bigint, '... replaces its rows');

-- Cached KPIs: served from the cache until it expires or the days are re-aggregated.
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-02', '2026-05-02', 980001), 66.67,
  'spend per head on Saturday: 40,000 / 600');
UPDATE reporting.daily_aggregations SET gross_revenue = 60000, net_revenue = 60000
 WHERE venue_id = 980001 AND business_date = '2026-05-02';
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-02', '2026-05-02', 980001), 66.67,
  'a cached KPI answers from the cache within its TTL');
SELECT is(api.calculate_kpi_value('daily_revenue', '2026-05-02', '2026-05-02', 980001), 60000.00,
  'a real-time KPI is always computed');
UPDATE reporting.report_metrics_cache
   SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
 WHERE organization_id = '00000000-0000-4000-8000-00000000c901';
SELECT is(api.clear_metrics_cache('00000000-0000-4000-8000-00000000c901'), 11,
  'clear_metrics_cache removes the expired entries: the 10 cached KPIs of Friday-Sunday and Saturday''s');
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-02', '2026-05-02', 980001), 100.00,
  'after expiry the KPI is computed again: 60,000 / 600');
SELECT is(api.rebuild_aggregations('2026-05-02', '2026-05-02', '00000000-0000-4000-8000-00000000c901'), 2,
  're-aggregating the day ...');
SELECT is((SELECT count(*) FROM reporting.report_metrics_cache
            WHERE organization_id = '00000000-0000-4000-8000-00000000c901'), 0::bigint,
  '... drops cached results that covered it');

-- Any aggregation of the organization retires its cached values: the cache
-- key carries the data version, so nothing computed before it is served after.
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date, gross_revenue, net_revenue, check_ins)
VALUES ('00000000-0000-4000-8000-00000000c901', 980001, '2026-05-05', 1000, 1000, 10);
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-05', '2026-05-05', 980001), 100.00,
  'spend per head on the 5th: 1,000 / 10, now cached');
UPDATE reporting.daily_aggregations SET gross_revenue = 2000, net_revenue = 2000
 WHERE venue_id = 980001 AND business_date = '2026-05-05';
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-05', '2026-05-05', 980001), 100.00,
  'still the cached value');
SELECT is(api.rebuild_aggregations('2026-05-20', '2026-05-20', '00000000-0000-4000-8000-00000000c901'), 2,
  'an aggregation of another day of the organization ...');
SELECT is(api.calculate_kpi_value('average_spend_per_head', '2026-05-05', '2026-05-05', 980001), 200.00,
  '... and the value is computed afresh: 2,000 / 10');

-- Bad input.
SELECT throws_ok($$SELECT api.calculate_kpi_value('daily_takings', '2026-05-01', '2026-05-03')$$,
  '22023', NULL, 'an unknown KPI code is rejected');
SELECT throws_ok($$SELECT api.calculate_kpi_value('daily_revenue', '2026-05-03', '2026-05-01')$$,
  '22023', NULL, 'p_to before p_from is rejected');
SELECT throws_ok($$SELECT api.calculate_kpi_value('daily_revenue', '2026-05-01', '2026-05-03', 1)$$,
  'P0002', NULL, 'an unknown venue is not found');
INSERT INTO venue.organizations (organization_id, name, slug, currency) VALUES
  ('00000000-0000-4000-8000-00000000f901', 'Euro Org', 'kpi-euro', 'EUR');
SELECT throws_ok($$SELECT calculate_kpi_value('daily_revenue', '2026-05-02', '2026-05-02')$$,
  '22023', NULL, 'no total across organizations in different currencies');
SELECT throws_ok($$SELECT api.calculate_kpi_value('daily_revenue', '2026-05-01', '2026-05-03', 980003,
                                                  '00000000-0000-4000-8000-00000000c901')$$,
  'P0002', NULL, 'a venue of another organization is not found in this one');

SELECT * FROM finish();
ROLLBACK;
