-- The materialised summaries: weeks and months with their changes, top customers.
BEGIN;
SELECT plan(6);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000e701', 'Views Org', 'views-org');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000e701', 940001, 'Room', 'room', 200);
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date, gross_revenue, net_revenue, check_ins, bookings_total) VALUES
  ('00000000-0000-4000-8000-00000000e701', 940001, '2026-04-24', 500, 500, 50, 5),
  ('00000000-0000-4000-8000-00000000e701', 940001, '2026-05-08', 1000, 1000, 100, 10),
  ('00000000-0000-4000-8000-00000000e701', 940001, '2026-05-09', 2000, 2000, 150, 20),
  ('00000000-0000-4000-8000-00000000e701', 940001, '2026-05-15', 3300, 3300, 200, 40);

INSERT INTO venue.customers (organization_id, customer_id, first_name) VALUES
  ('00000000-0000-4000-8000-00000000e701', 940001, 'Regular'),
  ('00000000-0000-4000-8000-00000000e701', 940002, 'Big Spender');
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, party_size, status, arrives_at) VALUES
  ('00000000-0000-4000-8000-00000000e701', 940001, 940001, 940001, 2, 'completed', '2026-05-08 23:00+01'),
  ('00000000-0000-4000-8000-00000000e701', 940002, 940001, 940001, 2, 'completed', '2026-05-15 23:00+01'),
  ('00000000-0000-4000-8000-00000000e701', 940003, 940001, 940002, 6, 'completed', '2026-05-09 23:00+01');
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, customer_id, kind, amount, provider, paid_at, refund_of_payment_id) VALUES
  ('00000000-0000-4000-8000-00000000e701', 940001, 940001, 940001, 940001, 'bar', 300, 'cash', '2026-05-08 23:30+01', NULL),
  ('00000000-0000-4000-8000-00000000e701', 940002, 940001, 940001, 940001, 'refund', 50, 'cash', '2026-05-10 12:00+01', 940001),
  ('00000000-0000-4000-8000-00000000e701', 940003, 940001, 940003, 940002, 'table', 400, 'square', '2026-05-10 01:00+01', NULL);

SELECT is((SELECT count(*) FROM api.refresh_summary_views()), 3::bigint, 'all three views refresh concurrently');

SELECT results_eq(
  $$SELECT week_start, trading_days, gross_revenue, previous_gross_revenue, gross_revenue_change, bookings_change
      FROM reporting.weekly_summary_view WHERE venue_id = 940001 ORDER BY week_start$$,
  $$VALUES ('2026-04-20'::date, 1::bigint, 500.00, NULL::numeric, NULL::numeric, NULL::numeric),
           ('2026-05-04'::date, 2::bigint, 3000.00, NULL::numeric, NULL::numeric, NULL::numeric),
           ('2026-05-11'::date, 1::bigint, 3300.00, 3000.00, 0.1000, 0.3333)$$,
  'weeks from Monday; a week follows a gap without a comparison; +10% revenue, +33% bookings');
SELECT results_eq(
  $$SELECT month_start, gross_revenue, previous_gross_revenue, gross_revenue_change
      FROM reporting.monthly_summary_view WHERE venue_id = 940001 ORDER BY month_start$$,
  $$VALUES ('2026-04-01'::date, 500.00, NULL::numeric, NULL::numeric),
           ('2026-05-01'::date, 6300.00, 500.00, 11.6000)$$,
  'months with month-over-month change');
SELECT results_eq(
  $$SELECT customer_id, visits, total_spend, spend_rank, visits_rank
      FROM reporting.top_customers_view WHERE organization_id = '00000000-0000-4000-8000-00000000e701'
     ORDER BY spend_rank$$,
  $$VALUES (940002::bigint, 1::bigint, 400.00, 1::bigint, 2::bigint),
           (940001::bigint, 2::bigint, 250.00, 2::bigint, 1::bigint)$$,
  'top customers: spend net of refunds, ranked by spend and by visits');
SELECT throws_ok($$SELECT * FROM api.refresh_summary_views(ARRAY['bookings'])$$,
  '22023', NULL, 'an unknown view is rejected');
SELECT throws_ok($$SELECT * FROM api.refresh_summary_views(ARRAY[]::text[])$$,
  '22004', NULL, 'an empty list is rejected');

SELECT * FROM finish();
ROLLBACK;
