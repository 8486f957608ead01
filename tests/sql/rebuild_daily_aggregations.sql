-- api.rebuild_daily_aggregations: daily rows from the hourly rows and the
-- per-venue-day customer and table sets, never from the facts. The expected
-- values are worked out by hand below; the engine (api.process_hourly_aggregations)
-- and the rebuild from the hours must both give them.
BEGIN;
SELECT plan(33);

-- Organization A: Club A (Europe/London, day from 06:00, tables T1 and T2
-- active, T3 not) and Late Bar (Europe/London, day from 01:00, no tables).
-- Organization B: Bar B. Customer id 995001 exists in both, a VIP only in B.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 'Roll A', 'roll-a'),
  ('00000000-0000-4000-8000-0000000b9501', 'Roll B', 'roll-b');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, trading_day_starts) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995001, 'Club A', 'club-a', 100, '06:00'),
  ('00000000-0000-4000-8000-0000000a9501', 995002, 'Late Bar', 'late-bar', 40, '01:00'),
  ('00000000-0000-4000-8000-0000000b9501', 995003, 'Bar B', 'bar-b', 50, '06:00');
INSERT INTO venue.areas (organization_id, area_id, venue_id, name) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995001, 995001, 'Floor');
INSERT INTO venue.tables (organization_id, table_id, venue_id, area_id, label, capacity, is_active) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995001, 995001, 995001, 'T1', 6, true),
  ('00000000-0000-4000-8000-0000000a9501', 995002, 995001, 995001, 'T2', 8, true),
  ('00000000-0000-4000-8000-0000000a9501', 995003, 995001, 995001, 'T3', 8, false);
INSERT INTO venue.customers (organization_id, customer_id, first_name, is_vip) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995001, 'C1', false),
  ('00000000-0000-4000-8000-0000000a9501', 995002, 'C2', false),
  ('00000000-0000-4000-8000-0000000a9501', 995003, 'C3', true),
  ('00000000-0000-4000-8000-0000000a9501', 995004, 'C4', false),
  ('00000000-0000-4000-8000-0000000a9501', 995005, 'C5', false),
  ('00000000-0000-4000-8000-0000000b9501', 995001, 'B1', true);

-- Club A, Friday 2026-06-12 (BST), 06:00 Fri to 06:00 Sat:
--   22:30 C1 T1 4 completed | 23:00 C4 2 pending | 23:15 C2 2 cancelled
--   23:30 walk-in T1 5 completed | 00:30 C3 3 no_show | 01:10 C1 T2 6 confirmed
--   03:00 C5 2 confirmed
-- Not cancelled: 6 parties, 4+2+5+3+6+2 = 22 guests, 3 with a table (T1 twice, T2).
-- C1, C3, C5 book for the first time (new), C4 booked on the 5th (returning).
-- C5 then goes on to Late Bar at 05:00, whose day began at 01:00 Saturday:
-- C5's first booking ever (03:00) lies within that day, so C5 is new there too.
-- C1 is at Late Bar again at 02:00 on 2026-06-20: returning.
-- Bar B: B1 on 2026-06-01, new (A's C1 with the same id books later).
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, table_id, party_size,
                            status, arrives_at, cancelled_at) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995000, 995001, 995004, NULL, 2, 'completed', '2026-06-05 22:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995001, 995001, 995001, 995001, 4, 'completed', '2026-06-12 22:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995002, 995001, 995004, NULL, 2, 'pending', '2026-06-12 23:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995003, 995001, 995002, NULL, 2, 'cancelled', '2026-06-12 23:15 Europe/London', '2026-06-10 12:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9501', 995004, 995001, NULL, 995001, 5, 'completed', '2026-06-12 23:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995005, 995001, 995003, NULL, 3, 'no_show', '2026-06-13 00:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995006, 995001, 995001, 995002, 6, 'confirmed', '2026-06-13 01:10 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995007, 995001, 995005, NULL, 2, 'confirmed', '2026-06-13 03:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995008, 995002, 995005, NULL, 2, 'confirmed', '2026-06-13 05:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9501', 995009, 995002, 995001, NULL, 2, 'confirmed', '2026-06-20 02:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000b9501', 995010, 995003, 995001, NULL, 2, 'completed', '2026-06-01 20:00 Europe/London', NULL);

-- The daily values worked out above, compared after every way of building them.
CREATE TEMP TABLE expected (venue_id bigint, business_date date, bookings_total int, parties int,
                            party_size_sum int, average_party_size numeric, customers_new int,
                            customers_returning int, customers_vip int, tables_used int,
                            table_turnover numeric);
INSERT INTO expected VALUES
  (995001, '2026-06-05', 1, 1, 2, 2.00, 1, 0, 0, 0, 0.00),
  (995001, '2026-06-12', 7, 6, 22, 3.67, 3, 1, 1, 2, 1.50),
  (995002, '2026-06-13', 1, 1, 2, 2.00, 1, 0, 0, 0, 0.00),
  (995002, '2026-06-20', 1, 1, 2, 2.00, 0, 1, 0, 0, 0.00),
  (995003, '2026-06-01', 1, 1, 2, 2.00, 1, 0, 1, 0, 0.00);
CREATE TEMP VIEW actual AS
SELECT venue_id, business_date, bookings_total, parties, party_size_sum, average_party_size,
       customers_new, customers_returning, customers_vip, tables_used, table_turnover
  FROM reporting.daily_aggregations WHERE venue_id BETWEEN 995001 AND 995003;

SELECT is(api.process_hourly_aggregations(), 5, 'the engine aggregates the five queued venue-days');
SELECT set_eq('SELECT * FROM actual', 'SELECT * FROM expected',
  'the engine: parties, party sizes, new / returning / VIP customers, tables, turnover');

-- What the daily rows are made of.
SELECT results_eq(
  $$SELECT local_hour::int, parties, party_size_sum, table_bookings
      FROM reporting.hourly_aggregations
     WHERE venue_id = 995001 AND business_date = '2026-06-12' ORDER BY hour_start$$,
  $$VALUES (22, 1, 4, 1), (23, 2, 7, 1), (0, 1, 3, 0), (1, 1, 6, 1), (3, 1, 2, 0)$$,
  'hourly rows carry parties, their guests and table bookings (the cancelled 23:15 not)');
SELECT results_eq(
  $$SELECT customer_id, first_arrival FROM reporting.daily_customer_visits
     WHERE venue_id = 995001 AND business_date = '2026-06-12' ORDER BY customer_id$$,
  $$VALUES (995001::bigint, '2026-06-12 22:30 Europe/London'::timestamptz),
           (995003, '2026-06-13 00:30 Europe/London'),
           (995004, '2026-06-12 23:00 Europe/London'),
           (995005, '2026-06-13 03:00 Europe/London')$$,
  'the day''s customers, each once with their earliest arrival (C1 twice, C2 cancelled)');
SELECT results_eq(
  $$SELECT table_id FROM reporting.daily_table_use
     WHERE venue_id = 995001 AND business_date = '2026-06-12' ORDER BY table_id$$,
  $$VALUES (995001::bigint), (995002)$$,
  'the day''s tables, each once');

-- The same rows again from the hours and the sets alone.
DELETE FROM reporting.daily_aggregations WHERE venue_id BETWEEN 995001 AND 995003;
SELECT is(api.rebuild_daily_aggregations('2026-06-01', '2026-06-30', '00000000-0000-4000-8000-0000000a9501'),
  4, 'organization A: its four venue-days with hourly rows, none for the empty ones');
SELECT is(api.rebuild_daily_aggregations('2026-06-01', '2026-06-30', '00000000-0000-4000-8000-0000000b9501'),
  1, 'organization B: its one venue-day');
SELECT set_eq('SELECT * FROM actual', 'SELECT * FROM expected',
  'rebuilt from the hours: the same hand-worked values');
SELECT ok(api.rebuild_daily_aggregations('2026-06-01', '2026-06-30') >= 5, 'all organizations at once');
SELECT set_eq('SELECT * FROM actual', 'SELECT * FROM expected', 'and again: idempotent');
SELECT is((SELECT count(*) FROM reporting.daily_aggregations
            WHERE venue_id BETWEEN 995001 AND 995003 AND business_date = '2026-06-14'),
  0::bigint, 'a day without hourly rows gets no daily row');
SELECT results_eq(
  $$SELECT gross_revenue, covers, bookings_confirmed, bookings_completed FROM reporting.daily_aggregations
     WHERE venue_id = 995001 AND business_date = '2026-06-12'$$,
  $$VALUES (0.00, 17, 2, 2)$$,
  'the additive columns come from the hours (covers: 6 + 2 confirmed, 4 + 5 completed)');

-- Incremental: C2 books again (now not cancelled: new), a late refund lands
-- at 02:00. Then the day is rebuilt from the hours and from the facts.
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, table_id, party_size,
                            status, arrives_at) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995011, 995001, 995002, NULL, 2, 'confirmed', '2026-06-12 23:45 Europe/London');
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995001, 'refund', 10.00, 'stripe', '2026-06-13 02:00 Europe/London');
SELECT is(api.process_hourly_aggregations(), 1, 'both changes re-aggregate the one venue-day');
SELECT results_eq(
  $$SELECT parties, party_size_sum, average_party_size, customers_new, customers_returning,
           refunds, net_revenue
      FROM reporting.daily_aggregations WHERE venue_id = 995001 AND business_date = '2026-06-12'$$,
  $$VALUES (7, 24, 3.43, 4, 1, 10.00, -10.00)$$,
  'incrementally: 7 parties of 24 guests, C2 new, the refund counted');
CREATE TEMP TABLE incremental AS
SELECT organization_id, venue_id, business_date, bookings_total, bookings_pending, bookings_confirmed,
       bookings_cancelled, bookings_no_show, bookings_completed, covers, parties, party_size_sum,
       average_party_size, birthdays, anniversaries, gross_revenue, refunds, net_revenue, deposits,
       bar_revenue, table_revenue, ticket_revenue, payments_succeeded, payments_failed, customers_new,
       customers_returning, customers_vip, check_ins, check_outs, peak_occupancy, occupancy_rate,
       peak_hour, tables_used, table_turnover, feedback_count, rating_sum, average_rating
  FROM reporting.daily_aggregations WHERE venue_id BETWEEN 995001 AND 995003;
CREATE TEMP VIEW every_column AS
SELECT organization_id, venue_id, business_date, bookings_total, bookings_pending, bookings_confirmed,
       bookings_cancelled, bookings_no_show, bookings_completed, covers, parties, party_size_sum,
       average_party_size, birthdays, anniversaries, gross_revenue, refunds, net_revenue, deposits,
       bar_revenue, table_revenue, ticket_revenue, payments_succeeded, payments_failed, customers_new,
       customers_returning, customers_vip, check_ins, check_outs, peak_occupancy, occupancy_rate,
       peak_hour, tables_used, table_turnover, feedback_count, rating_sum, average_rating
  FROM reporting.daily_aggregations WHERE venue_id BETWEEN 995001 AND 995003;
SELECT is(api.rebuild_daily_aggregations('2026-06-12', '2026-06-12', '00000000-0000-4000-8000-0000000a9501'),
  1, 'the day rebuilt from the hours');
SELECT set_eq('SELECT * FROM every_column', 'SELECT * FROM incremental',
  'a day rebuilt from the hours equals the incrementally maintained one, every column');
CREATE TEMP TABLE visits_before AS
SELECT * FROM reporting.daily_customer_visits WHERE venue_id BETWEEN 995001 AND 995003;
SELECT is(api.rebuild_aggregations('2026-06-01', '2026-06-30', '00000000-0000-4000-8000-0000000a9501'),
  60, 'the whole month rebuilt from the facts (two venues, 30 days)');
SELECT set_eq('SELECT * FROM reporting.daily_customer_visits WHERE venue_id BETWEEN 995001 AND 995003',
  'SELECT * FROM visits_before', 'the customer sets come out as they were');
SELECT set_eq('SELECT * FROM every_column', 'SELECT * FROM incremental',
  'and rebuilt from the facts: still the same rows');

-- What changes without touching facts: a table taken out of service is not
-- queued, and the rebuild from the hours picks it up.
UPDATE venue.tables SET is_active = false
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9501' AND table_id = 995002;
SELECT is(api.rebuild_daily_aggregations('2026-06-12', '2026-06-12', '00000000-0000-4000-8000-0000000a9501'),
  1, 'one venue-day of 2026-06-12 has rows');
SELECT results_eq(
  $$SELECT tables_used, table_turnover FROM reporting.daily_aggregations
     WHERE venue_id = 995001 AND business_date = '2026-06-12'$$,
  $$VALUES (2, 3.00)$$,
  'three table bookings over the one table still active');

-- A venue-day that loses its last booking loses its set rows with it.
DELETE FROM venue.bookings
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9501' AND booking_id = 995008;
SELECT is(api.process_hourly_aggregations(), 1, 'the delete re-aggregates Late Bar''s 13th');
SELECT is((SELECT count(*) FROM reporting.daily_customer_visits WHERE venue_id = 995002 AND business_date = '2026-06-13'),
  0::bigint, 'no customers left on that day');

-- A back-dated first booking: C1 came on 2026-06-03 after all, so C1 is
-- returning on the 12th. Only the 3rd is queued; the engine re-rolls the
-- other days whose customers' first booking moved.
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, party_size, status, arrives_at) VALUES
  ('00000000-0000-4000-8000-0000000a9501', 995012, 995001, 995001, 2, 'completed', '2026-06-03 21:00 Europe/London');
SELECT is(api.process_hourly_aggregations(), 1, 'the back-dated booking queues its own day');
SELECT results_eq(
  $$SELECT business_date, customers_new, customers_returning FROM reporting.daily_aggregations
     WHERE venue_id = 995001 AND business_date IN ('2026-06-03', '2026-06-12') ORDER BY 1$$,
  $$VALUES ('2026-06-03'::date, 1, 0), ('2026-06-12'::date, 3, 2)$$,
  'C1 new on the 3rd and now returning on the 12th (C2, C3, C5 new; C1, C4 returning)');
-- And the other way: C4's first booking (the 5th) is deleted, so the 12th is C4's first.
DELETE FROM venue.bookings
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9501' AND booking_id = 995000;
SELECT is(api.process_hourly_aggregations(), 1, 'the delete queues the 5th');
SELECT results_eq(
  $$SELECT customers_new, customers_returning FROM reporting.daily_aggregations
     WHERE venue_id = 995001 AND business_date = '2026-06-12'$$,
  $$VALUES (4, 1)$$,
  'C4 is new on the 12th now');
SELECT results_eq(
  $$SELECT customer_id, customer_first_arrival FROM reporting.daily_customer_visits
     WHERE venue_id = 995001 AND business_date = '2026-06-12' AND customer_id IN (995001, 995004)
     ORDER BY 1$$,
  $$VALUES (995001::bigint, '2026-06-03 21:00 Europe/London'::timestamptz),
           (995004, '2026-06-12 23:00 Europe/London')$$,
  'each visit carries its customer''s first booking ever');

-- A booking moved earlier within its day: the day's row keeps its customer,
-- with the new earliest arrival.
UPDATE venue.bookings SET arrives_at = '2026-06-12 21:30 Europe/London'
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9501' AND booking_id = 995001;
SELECT is(api.process_hourly_aggregations(), 1, 'the move re-aggregates the 12th');
SELECT results_eq(
  $$SELECT first_arrival, customer_first_arrival FROM reporting.daily_customer_visits
     WHERE venue_id = 995001 AND business_date = '2026-06-12' AND customer_id = 995001$$,
  $$VALUES ('2026-06-12 21:30 Europe/London'::timestamptz, '2026-06-03 21:00 Europe/London'::timestamptz)$$,
  'C1 arrives at 21:30 on the 12th; their first booking ever is still the 3rd');

-- Bad input.
SELECT throws_ok($$SELECT api.rebuild_daily_aggregations('2026-06-02', '2026-06-01')$$,
  '22023', NULL, 'p_to before p_from is rejected');
SELECT throws_ok($$SELECT api.rebuild_daily_aggregations(NULL, '2026-06-01')$$,
  '22004', NULL, 'a missing date is rejected');
SELECT throws_ok($$SELECT api.rebuild_daily_aggregations('2026-06-01', '2026-06-02', '00000000-0000-4000-8000-00000000dead')$$,
  'P0002', NULL, 'an unknown organization is not found');

SELECT * FROM finish();
ROLLBACK;
