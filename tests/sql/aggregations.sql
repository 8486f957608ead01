-- Hourly and daily rollups on a hand-made dataset whose answers are worked out
-- below by hand: a night across midnight, both Europe/London clock changes, a
-- refund landing days later, and a second organization that must not leak in.
BEGIN;
SELECT plan(51);

-- Organization A: one club, 100 capacity, two tables. Organization B: one bar.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 'Agg A', 'agg-a'),
  ('00000000-0000-4000-8000-0000000b9001', 'Agg B', 'agg-b');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'Club A', 'club-a', 100),
  ('00000000-0000-4000-8000-0000000b9001', 990002, 'Bar B', 'bar-b', 50);
INSERT INTO venue.areas (organization_id, area_id, venue_id, name) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 990001, 'Floor');
INSERT INTO venue.tables (organization_id, table_id, venue_id, area_id, label, capacity) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 990001, 990001, 'T1', 6),
  ('00000000-0000-4000-8000-0000000a9001', 990002, 990001, 990001, 'T2', 8);
INSERT INTO venue.customers (organization_id, customer_id, first_name, is_vip) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'C1', false),
  ('00000000-0000-4000-8000-0000000a9001', 990002, 'C2', false),
  ('00000000-0000-4000-8000-0000000a9001', 990003, 'C3', true),
  ('00000000-0000-4000-8000-0000000a9001', 990004, 'C4', false);

-- Friday 2026-06-12 (BST): the trading day runs 06:00 Fri to 06:00 Sat local.
-- c4 booked once before, on 2026-06-05, so c4 is returning; c1 and c3 are new.
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, table_id, party_size,
                            status, occasion, arrives_at, cancelled_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990000, 990001, 990004, NULL, 2, 'completed', 'none', '2026-06-05 22:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 990001, 990001, 990001, 4, 'completed', 'birthday', '2026-06-12 22:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9001', 990002, 990001, 990002, NULL, 2, 'cancelled', 'none', '2026-06-12 23:15 Europe/London', '2026-06-10 12:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990003, 990001, 990003, NULL, 3, 'no_show', 'none', '2026-06-13 00:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9001', 990004, 990001, 990001, 990002, 6, 'confirmed', 'anniversary', '2026-06-13 01:10 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a9001', 990005, 990001, 990004, NULL, 2, 'pending', 'none', '2026-06-12 23:00 Europe/London', NULL);

INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, kind, amount, provider, status, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 990001, 990001, 'deposit', 50.00, 'stripe', 'succeeded', '2026-06-01 12:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990002, 990001, 990001, 'bar', 120.50, 'square', 'succeeded', '2026-06-12 23:40 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990003, 990001, 990004, 'table', 300.00, 'square', 'succeeded', '2026-06-13 01:50 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990004, 990001, NULL, 'ticket', 30.00, 'cash', 'succeeded', '2026-06-12 22:35 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990005, 990001, NULL, 'bar', 40.00, 'square', 'failed', '2026-06-12 23:41 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990006, 990001, 990001, 'refund', 20.00, 'stripe', 'succeeded', '2026-06-14 10:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990007, 990001, NULL, 'bar', 15.25, 'cash', 'succeeded', '2026-06-13 05:59 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990008, 990001, NULL, 'bar', 10.00, 'cash', 'succeeded', '2026-06-13 06:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000b9001', 990009, 990002, NULL, 'bar', 999.00, 'cash', 'succeeded', '2026-06-12 23:00 Europe/London');

-- People inside: 4, 10, 6, 9, 3, 0. The peak (10) is reached at 01:12 local.
INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'in', 'qr', 4, '2026-06-12 22:31 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'in', 'qr', 6, '2026-06-13 01:12 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'out', 'door', 4, '2026-06-13 01:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'in', 'door', 3, '2026-06-13 01:45 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'out', 'door', 6, '2026-06-13 03:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'out', 'door', 3, '2026-06-13 03:30 Europe/London');

INSERT INTO venue.feedback (organization_id, venue_id, booking_id, rating, submitted_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 990001, 5, '2026-06-13 11:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, NULL, 3, '2026-06-13 12:00 Europe/London');

-- Spring forward: Saturday 2026-03-28's trading day has 23 hours (06:00 GMT to
-- 06:00 BST). 00:30 GMT, 03:30 BST and 05:30 BST belong to it; 06:15 BST does not.
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 10.00, 'cash', '2026-03-29 00:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 20.00, 'cash', '2026-03-29 03:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 5.00, 'cash', '2026-03-29 05:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 7.00, 'cash', '2026-03-29 06:15 Europe/London');
-- Fall back: Saturday 2026-10-24's trading day has 25 hours; 01:30 happens
-- twice (00:30 and 01:30 UTC), and both are that day's, in two hours.
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 11.00, 'cash', '2026-10-25 00:30+00'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 13.00, 'cash', '2026-10-25 01:30+00'),
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 1.00, 'cash', '2026-10-25 05:30+00');

-- A half-hour zone: Kolkata is UTC+05:30. 05:45 and 06:15 local are different
-- trading days, and each falls in its own local clock hour.
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, timezone) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990003, 'Club Mumbai', 'club-mumbai', 100, 'Asia/Kolkata');
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990003, 'bar', 100.00, 'cash', '2026-06-13 05:45 Asia/Kolkata'),
  ('00000000-0000-4000-8000-0000000a9001', 990003, 'bar', 200.00, 'cash', '2026-06-13 06:15 Asia/Kolkata');

-- A trading day starting at 01:00 meets the autumn change: 01:15 BST comes
-- before Sunday's 01:00 GMT start and is Saturday's; 01:15 GMT is Sunday's.
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, trading_day_starts) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990005, 'Early Club', 'early-club', 100, '01:00');
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990005, 'bar', 10.00, 'cash', '2026-10-25 00:15+00'),
  ('00000000-0000-4000-8000-0000000a9001', 990005, 'bar', 20.00, 'cash', '2026-10-25 01:15+00');

-- Everything above was queued by the fact triggers.
SELECT ok(api.process_hourly_aggregations() >= 11, 'the queued venue-days are aggregated');
SELECT is((SELECT count(*) FROM internal.aggregation_queue
            WHERE organization_id IN ('00000000-0000-4000-8000-0000000a9001', '00000000-0000-4000-8000-0000000b9001')),
  0::bigint, 'the queue is drained');

-- The night of 2026-06-12, by hand.
SELECT results_eq(
  $$SELECT bookings_total, bookings_pending, bookings_confirmed, bookings_cancelled,
           bookings_no_show, bookings_completed, covers, birthdays, anniversaries
      FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (5, 1, 1, 1, 1, 1, 10, 1, 1)$$,
  'bookings by status, covers (confirmed + completed), birthdays and anniversaries');
SELECT is((SELECT average_party_size FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-06-12'),
  3.75, 'average party size of bookings not cancelled: (4 + 3 + 6 + 2) / 4');
SELECT results_eq(
  $$SELECT gross_revenue, refunds, net_revenue, deposits, bar_revenue, table_revenue, ticket_revenue,
           payments_succeeded, payments_failed
      FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (465.75, 0.00, 465.75, 0.00, 135.75, 300.00, 30.00, 4, 1)$$,
  'revenue: the 05:59 bar tab is still Friday''s, the failed one does not count');
SELECT results_eq(
  $$SELECT customers_new, customers_returning, customers_vip
      FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (2, 1, 1)$$,
  'customers: c1 and c3 new, c4 returning, c3 a VIP (the cancelled c2 not counted)');
SELECT results_eq(
  $$SELECT check_ins, check_outs, peak_occupancy, occupancy_rate, peak_hour::int
      FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (13, 13, 10, 0.1000, 1)$$,
  'occupancy peaks at 10 of 100 in the 01:00 hour');
SELECT results_eq(
  $$SELECT tables_used, table_turnover FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (2, 1.00)$$,
  'two table bookings over two active tables');
SELECT is((SELECT feedback_count FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-06-12'),
  0, 'feedback sent the next afternoon is not Friday''s');

-- The neighbouring days.
SELECT results_eq(
  $$SELECT business_date, gross_revenue, refunds, net_revenue, deposits, feedback_count, average_rating
      FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date BETWEEN '2026-06-01' AND '2026-06-30'
       AND business_date <> '2026-06-12' AND business_date <> '2026-06-05'
     ORDER BY business_date$$,
  $$VALUES ('2026-06-01'::date, 50.00, 0.00, 50.00, 50.00, 0, NULL::numeric),
           ('2026-06-13'::date, 10.00, 0.00, 10.00, 0.00, 2, 4.00),
           ('2026-06-14'::date, 0.00, 20.00, -20.00, 0.00, 0, NULL::numeric)$$,
  'the deposit counts on the day it was paid, the refund on the day it landed, 06:00 starts a new day');

-- Hourly rows add up to the day, and the hours are the venue's.
SELECT results_eq(
  $$SELECT local_hour::int, gross_revenue, check_ins, check_outs, occupancy_end, peak_occupancy
      FROM reporting.hourly_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'
     ORDER BY hour_start$$,
  $$VALUES (22, 30.00, 4, 0, 4, 4),
           (23, 120.50, 0, 0, 4, 4),
           (0, 0.00, 0, 0, 4, 4),
           (1, 300.00, 9, 4, 9, 10),
           (3, 0.00, 0, 9, 0, 3),
           (5, 15.25, 0, 0, 0, 0)$$,
  'hourly: revenue, scans, people inside at the end of the hour and the hour''s peak');
SELECT is((SELECT sum(gross_revenue) FROM reporting.hourly_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-06-12'),
  (SELECT gross_revenue FROM reporting.daily_aggregations
    WHERE venue_id = 990001 AND business_date = '2026-06-12'),
  'the hours add up to the day');

-- Clock changes.
SELECT is((SELECT gross_revenue FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-03-28'),
  35.00, 'spring: the 23-hour trading day holds 00:30 GMT, 03:30 and 05:30 BST');
SELECT is((SELECT gross_revenue FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-03-29'),
  7.00, 'spring: 06:15 BST starts the next trading day');
SELECT results_eq(
  $$SELECT local_hour::int, gross_revenue FROM reporting.hourly_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-03-28' ORDER BY hour_start$$,
  $$VALUES (0, 10.00), (3, 20.00), (5, 5.00)$$,
  'spring: hours are labelled on the local clock, which skips 01:00');
SELECT is((SELECT gross_revenue FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-10-24'),
  25.00, 'autumn: the 25-hour trading day holds both 01:30s and 05:30 GMT');
SELECT results_eq(
  $$SELECT local_hour::int, gross_revenue FROM reporting.hourly_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-10-24' ORDER BY hour_start$$,
  $$VALUES (1, 11.00), (1, 13.00), (5, 1.00)$$,
  'autumn: the repeated 01:00 hour is two rows, not one');

SELECT results_eq(
  $$SELECT business_date, local_hour::int, (hour_start AT TIME ZONE 'Asia/Kolkata')::text, gross_revenue
      FROM reporting.hourly_aggregations WHERE venue_id = 990003 ORDER BY hour_start$$,
  $$VALUES ('2026-06-12'::date, 5, '2026-06-13 05:00:00', 100.00),
           ('2026-06-13'::date, 6, '2026-06-13 06:00:00', 200.00)$$,
  'half-hour zone: hours follow the local clock and never straddle trading days');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-0000000a9001', 'Odd', 'odd', 100,
                                            'Europe/London', '05:30')$$,
  '22023', NULL, 'a trading day that does not start on the hour is rejected');

SELECT results_eq(
  $$SELECT business_date, gross_revenue FROM reporting.daily_aggregations
     WHERE venue_id = 990005 ORDER BY business_date$$,
  $$VALUES ('2026-10-24'::date, 10.00), ('2026-10-25'::date, 20.00)$$,
  'a day starting inside the repeated hour: each payment counted once, on the right day');

-- The other organization's numbers stay its own.
SELECT results_eq(
  $$SELECT organization_id::text, gross_revenue FROM reporting.daily_aggregations
     WHERE business_date = '2026-06-12' AND venue_id IN (990001, 990002) ORDER BY venue_id$$,
  $$VALUES ('00000000-0000-4000-8000-0000000a9001', 465.75),
           ('00000000-0000-4000-8000-0000000b9001', 999.00)$$,
  'organization B''s 999.00 is not in A''s day');

-- Idempotent: rebuilding gives the same rows.
CREATE TEMP TABLE before_rebuild AS
SELECT * FROM reporting.daily_aggregations WHERE venue_id IN (990001, 990002);
SELECT is(api.rebuild_aggregations('2026-03-01', '2026-10-31', '00000000-0000-4000-8000-0000000a9001'),
  735, 'a rebuild of A covers its three venues for 245 days');
SELECT is(api.rebuild_aggregations('2026-03-01', '2026-10-31', '00000000-0000-4000-8000-0000000a9001'),
  735, 'and can run again');
SELECT set_eq(
  $$SELECT organization_id, venue_id, business_date, gross_revenue, net_revenue, bookings_total,
           covers, peak_occupancy, customers_new, average_rating
      FROM reporting.daily_aggregations WHERE venue_id IN (990001, 990002)$$,
  $$SELECT organization_id, venue_id, business_date, gross_revenue, net_revenue, bookings_total,
           covers, peak_occupancy, customers_new, average_rating FROM before_rebuild$$,
  'rebuilding gives the rows the incremental path gave');

-- Incremental: a late refund and a moved booking re-aggregate just their days.
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a9001', 990001, 'refund', 5.75, 'stripe', '2026-06-12 23:50 Europe/London');
SELECT is((SELECT count(*) FROM internal.aggregation_queue WHERE venue_id = 990001), 1::bigint,
  'one statement marks one venue-day');
SELECT is(api.process_hourly_aggregations(), 1, 'only that venue-day is rebuilt');
SELECT results_eq(
  $$SELECT gross_revenue, refunds, net_revenue FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date = '2026-06-12'$$,
  $$VALUES (465.75, 5.75, 460.00)$$,
  'the late refund lowers Friday''s net revenue');

UPDATE venue.bookings SET arrives_at = '2026-06-13 23:00 Europe/London'
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9001' AND booking_id = 990005;
SELECT is(api.process_hourly_aggregations(), 2, 'moving a booking rebuilds the day it left and the day it joined');
SELECT results_eq(
  $$SELECT business_date, bookings_total, bookings_pending FROM reporting.daily_aggregations
     WHERE venue_id = 990001 AND business_date IN ('2026-06-12', '2026-06-13') ORDER BY 1$$,
  $$VALUES ('2026-06-12'::date, 4, 0), ('2026-06-13'::date, 1, 1)$$,
  'the pending booking moved from Friday to Saturday');

DELETE FROM venue.payments WHERE organization_id = '00000000-0000-4000-8000-0000000a9001'
   AND venue_id = 990001 AND paid_at >= '2026-03-29 06:00 Europe/London' AND paid_at < '2026-03-30 06:00 Europe/London';
SELECT is(api.process_hourly_aggregations(), 1, 'a delete marks its day too');
SELECT is((SELECT count(*) FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date = '2026-03-29'), 0::bigint,
  'a day left with no facts has no rollup rows');

-- (Late commits are tested with two connections in tests/test_aggregation_queue.py.)
SELECT is(api.process_hourly_aggregations(), 0, 'nothing queued, nothing done');

-- The seed's own call works verbatim.
SELECT lives_ok($$SELECT process_daily_aggregations(CURRENT_DATE - interval '1 day')$$,
  'SELECT process_daily_aggregations(CURRENT_DATE - interval ''1 day'') runs as in seed 001');
SELECT lives_ok($$SELECT process_daily_aggregations('2026-06-12')$$,
  'a date literal alone is not ambiguous');
SELECT is(api.process_daily_aggregations('2026-06-12'::date, '00000000-0000-4000-8000-0000000b9001'), 1,
  'one organization''s day: its one venue');
SELECT is((SELECT gross_revenue FROM reporting.daily_aggregations WHERE venue_id = 990002 AND business_date = '2026-06-12'),
  999.00, 'and it is unchanged by being rebuilt');

-- Bad input is rejected with its SQLSTATE.
SELECT throws_ok($$SELECT api.rebuild_aggregations('2026-06-02', '2026-06-01')$$,
  '22023', NULL, 'p_to before p_from is rejected');
SELECT throws_ok($$SELECT api.rebuild_aggregations(NULL, '2026-06-01')$$,
  '22004', NULL, 'a missing date is rejected');
SELECT throws_ok($$SELECT api.rebuild_aggregations('2026-06-01', '2026-06-02', '00000000-0000-4000-8000-00000000dead')$$,
  'P0002', NULL, 'an unknown organization is not found');
SELECT throws_ok($$SELECT api.process_daily_aggregations(NULL::date)$$,
  '22004', NULL, 'process_daily_aggregations needs a day');
SELECT throws_ok($$SELECT api.process_hourly_aggregations(0)$$,
  '22023', NULL, 'p_max_marks must be positive');

-- Changes to dimensions queue the days they change.
UPDATE venue.customers SET is_vip = true
 WHERE organization_id = '00000000-0000-4000-8000-0000000a9001' AND customer_id = 990004;
SELECT is(api.process_hourly_aggregations(), 2,
  'a new VIP: the two days they booked (the 5th and, since the move, the 13th of June)');
SELECT is((SELECT customers_vip FROM reporting.daily_aggregations WHERE venue_id = 990001 AND business_date = '2026-06-13'),
  1, 'the 13th now counts a VIP');
UPDATE venue.venues SET capacity = 50 WHERE venue_id = 990001;
SELECT ok(api.process_hourly_aggregations() > 0, 'a new capacity re-aggregates the venue''s history');
SELECT is((SELECT occupancy_rate FROM reporting.daily_aggregations WHERE venue_id = 990001 AND business_date = '2026-06-12'),
  0.2000, 'a peak of 10 is now 20% of 50');

-- Statement-level marking: a bulk insert of many rows queues each venue-day once.
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)
SELECT '00000000-0000-4000-8000-0000000a9001', 990001, 'bar', 1.00, 'cash',
       '2026-07-01 20:00 Europe/London'::timestamptz + make_interval(secs => g * 10)
  FROM generate_series(1, 5000) AS g;
SELECT is((SELECT count(*) FROM internal.aggregation_queue WHERE venue_id = 990001), 2::bigint,
  '5,000 payments over two trading days queue two marks');
SELECT is(api.process_hourly_aggregations(1), 1, 'p_max_marks takes the oldest marks only');
SELECT is(api.process_hourly_aggregations(), 1, 'and the rest on the next call');
SELECT is((SELECT sum(gross_revenue) FROM reporting.daily_aggregations
            WHERE venue_id = 990001 AND business_date IN ('2026-07-01', '2026-07-02')),
  5000.00, 'all 5,000 payments are counted');

-- Triggers on the fact tables are statement-level only.
SELECT is((SELECT count(*) FROM pg_trigger
            WHERE tgrelid IN ('venue.bookings'::regclass, 'venue.payments'::regclass,
                              'venue.check_ins'::regclass, 'venue.feedback'::regclass)
              AND NOT tgisinternal AND (tgtype & 1) = 1),
  0::bigint, 'no row-level triggers on the fact tables');
SELECT is((SELECT count(*) FROM pg_trigger
            WHERE tgname LIKE '%mark_aggregation_dirty%' AND NOT tgisinternal),
  15::bigint, 'insert, update and delete marking on the four fact tables and on events');

SELECT * FROM finish();
ROLLBACK;
