-- Data-quality checks on a hand-made dataset: for each check a case that is
-- found and a near-miss that is not, the answers worked out by hand below.
-- A second organization, clean, must get no findings from the first's data.
BEGIN;
SELECT plan(34);

-- Organization A: one club (Europe/London, trading day from 06:00).
-- Organization B: one bar, trading on the same nights.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 'DQ A', 'dq-a'),
  ('00000000-0000-4000-8000-0000000f9002', 'DQ B', 'dq-b');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960001, 'Club A', 'club-a', 200),
  ('00000000-0000-4000-8000-0000000f9002', 960002, 'Bar B', 'bar-b', 80);

-- E1 Friday 2024-06-14 22:00-04:00: has payments and check-ins.
-- E2 Saturday 2024-06-15 22:00-03:00: A took nothing and let nobody in (B did, at its own bar).
-- E3 Sunday 2024-06-16, cancelled: nothing expected of it.
-- E4 Friday 2099-06-12: not over yet.
INSERT INTO venue.events (organization_id, event_id, venue_id, name, status, starts_at, ends_at) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960001, 960001, 'Friday night', 'scheduled',
   '2024-06-14 22:00 Europe/London', '2024-06-15 04:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960002, 960001, 'Saturday night', 'completed',
   '2024-06-15 22:00 Europe/London', '2024-06-16 03:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960003, 960001, 'Sunday social', 'cancelled',
   '2024-06-16 20:00 Europe/London', '2024-06-16 23:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960004, 960001, 'Future night', 'scheduled',
   '2099-06-12 22:00 Europe/London', '2099-06-13 03:00 Europe/London');

-- Bookings. E1's window is [20:00 Fri, 04:00 Sat].
--   960001 E1 22:30 inside            960002 E1 20:00 on the opening edge
--   960003 E1 19:30 too early (found) 960004 no event, 23:00, inside E1
--   960005 no event, 12:00 Fri (found: outside the day's only event)
--   960006 cancelled, 12:00 Fri: not judged
--   960007 no event, Monday: the venue has no event that day
--   960008 E1 04:00 Sat on the closing edge
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, event_id, party_size, status,
                            arrives_at, cancelled_at) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960001, 960001, 960001, 4, 'confirmed', '2024-06-14 22:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960002, 960001, 960001, 2, 'confirmed', '2024-06-14 20:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960003, 960001, 960001, 2, 'completed', '2024-06-14 19:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960004, 960001, NULL, 3, 'pending', '2024-06-14 23:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960005, 960001, NULL, 5, 'confirmed', '2024-06-14 12:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960006, 960001, NULL, 6, 'cancelled', '2024-06-14 12:00 Europe/London',
   '2024-06-13 10:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960007, 960001, NULL, 2, 'confirmed', '2024-06-17 19:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000f9001', 960008, 960001, 960001, 2, 'no_show', '2024-06-15 04:00 Europe/London', NULL);

-- Payments, all Friday's trading day.
--   960001 bar on a confirmed booking      960002 deposit on the cancelled booking
--   960003 its refund, the full 50.00      960004 bar on the cancelled booking (found)
--   960005 failed table payment on it      960006 ticket 20.00
--   960007 refund of 30.00 for the 20.00 ticket (found)
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, refund_of_payment_id,
                            kind, amount, provider, status, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960001, 960001, 960001, NULL, 'bar', 80.00, 'square', 'succeeded', '2024-06-14 23:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960002, 960001, 960006, NULL, 'deposit', 50.00, 'stripe', 'succeeded', '2024-06-14 10:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960003, 960001, 960006, 960002, 'refund', 50.00, 'stripe', 'succeeded', '2024-06-14 11:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960004, 960001, 960006, NULL, 'bar', 25.00, 'square', 'succeeded', '2024-06-14 12:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960005, 960001, 960006, NULL, 'table', 40.00, 'square', 'failed', '2024-06-14 12:40 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960006, 960001, NULL, NULL, 'ticket', 20.00, 'cash', 'succeeded', '2024-06-14 22:10 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960007, 960001, NULL, 960006, 'refund', 30.00, 'cash', 'succeeded', '2024-06-14 23:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9002', 960101, 960002, NULL, NULL, 'bar', 100.00, 'cash', 'succeeded', '2024-06-15 23:00 Europe/London');

-- Check-ins. Thursday 2024-06-13: -2, 3, -1, -3 (found, lowest -3, first
-- below zero at scan 960021). Friday across midnight: 4, 2, 5, 0 (the 02:00
-- check-out is the night's last scan, not its first).
INSERT INTO venue.check_ins (organization_id, check_in_id, venue_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960021, 960001, 'out', 'door', 2, '2024-06-13 21:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960022, 960001, 'in', 'door', 5, '2024-06-13 21:10 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960023, 960001, 'out', 'door', 4, '2024-06-13 21:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960024, 960001, 'out', 'door', 2, '2024-06-13 21:40 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960011, 960001, 'in', 'qr', 4, '2024-06-14 22:15 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960012, 960001, 'out', 'door', 2, '2024-06-14 23:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960013, 960001, 'in', 'door', 3, '2024-06-14 23:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9001', 960014, 960001, 'out', 'door', 5, '2024-06-15 02:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9002', 960101, 960002, 'in', 'door', 3, '2024-06-15 22:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000f9002', 960102, 960002, 'out', 'door', 3, '2024-06-15 23:30 Europe/London');

-- Thursday to Monday: seven findings in all.
SELECT is(api.check_data_quality('2024-06-13', '2024-06-17', '00000000-0000-4000-8000-0000000f9001'),
  7, 'A''s five venue-days give seven findings');
SELECT results_eq(
  $$SELECT business_date, check_code, severity, subject FROM reporting.data_quality_findings
     WHERE organization_id = '00000000-0000-4000-8000-0000000f9001'
     ORDER BY business_date, check_code, subject$$,
  $$VALUES ('2024-06-13'::date, 'validation.check_out_without_check_in', 'warning', 'check_in 960021'),
           ('2024-06-14'::date, 'validation.booking_outside_event', 'info', 'booking 960003'),
           ('2024-06-14'::date, 'validation.booking_outside_event', 'info', 'booking 960005'),
           ('2024-06-14'::date, 'validation.payment_on_cancelled_booking', 'warning', 'payment 960004'),
           ('2024-06-14'::date, 'validation.refund_exceeds_payment', 'error', 'payment 960007'),
           ('2024-06-15'::date, 'completeness.night_without_check_ins', 'warning', 'event 960002'),
           ('2024-06-15'::date, 'completeness.night_without_payments', 'warning', 'event 960002')$$,
  'the findings, each on the venue-day of its fact');

-- validation.payment_on_cancelled_booking
SELECT results_eq(
  $$SELECT (details->>'booking_id')::bigint, details->>'kind', (details->>'amount')::numeric
      FROM reporting.data_quality_findings
     WHERE venue_id = 960001 AND check_code = 'validation.payment_on_cancelled_booking' AND subject = 'payment 960004'$$,
  $$VALUES (960006::bigint, 'bar', 25.00)$$,
  'payment on cancelled booking: the bar tab on the cancelled booking is found');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'validation.payment_on_cancelled_booking'
      AND subject IN ('payment 960001', 'payment 960002', 'payment 960003', 'payment 960005')),
  0::bigint,
  'payment on cancelled booking: its deposit, the deposit''s refund, a failed payment and a live booking''s tab are not');

-- validation.check_out_without_check_in
SELECT results_eq(
  $$SELECT business_date, subject, (details->>'lowest')::int, (details->>'scans_below_zero')::int
      FROM reporting.data_quality_findings
     WHERE venue_id = 960001 AND check_code = 'validation.check_out_without_check_in'$$,
  $$VALUES ('2024-06-13'::date, 'check_in 960021', -3, 3)$$,
  'check-out without check-in: Thursday goes to -2 at its first scan and down to -3, once per day');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'validation.check_out_without_check_in' AND business_date = '2024-06-14'),
  0::bigint,
  'check-out without check-in: Friday''s 02:00 check-out comes after its check-ins, not before');

-- validation.booking_outside_event
SELECT results_eq(
  $$SELECT subject, (details->>'event_id')::bigint, (details->>'events_that_day')::int
      FROM reporting.data_quality_findings
     WHERE venue_id = 960001 AND check_code = 'validation.booking_outside_event' ORDER BY subject$$,
  $$VALUES ('booking 960003', 960001::bigint, NULL::int), ('booking 960005', NULL, 1)$$,
  'booking outside event: 19:30 for a 22:00 event, and noon with no event given');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'validation.booking_outside_event'
      AND subject IN ('booking 960001', 'booking 960002', 'booking 960004', 'booking 960006',
                      'booking 960007', 'booking 960008')),
  0::bigint,
  'booking outside event: inside, on either edge of the window, cancelled, or on a day without events are not');

-- validation.refund_exceeds_payment
SELECT results_eq(
  $$SELECT severity, (details->>'refund_amount')::numeric, (details->>'payment_amount')::numeric,
           (details->>'excess')::numeric
      FROM reporting.data_quality_findings
     WHERE venue_id = 960001 AND check_code = 'validation.refund_exceeds_payment' AND subject = 'payment 960007'$$,
  $$VALUES ('error', 30.00, 20.00, 10.00)$$,
  'refund exceeds payment: 30.00 back on a 20.00 ticket is an error');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'validation.refund_exceeds_payment' AND subject = 'payment 960003'),
  0::bigint,
  'refund exceeds payment: a refund of the whole 50.00 deposit is not');

-- completeness.night_without_payments / night_without_check_ins
SELECT results_eq(
  $$SELECT check_code, (details->>'event_id')::bigint FROM reporting.data_quality_findings
     WHERE venue_id = 960001 AND check_code LIKE 'completeness.%' ORDER BY check_code$$,
  $$VALUES ('completeness.night_without_check_ins', 960002::bigint),
           ('completeness.night_without_payments', 960002::bigint)$$,
  'completeness: Saturday''s event had neither payments nor check-ins at A (B''s at its own bar do not count)');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'completeness.night_without_payments' AND subject IN ('event 960001', 'event 960003')),
  0::bigint,
  'night without payments: Friday took money, Sunday''s cancelled event is not expected to');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND check_code = 'completeness.night_without_check_ins' AND subject IN ('event 960001', 'event 960003')),
  0::bigint,
  'night without check-ins: Friday let people in, Sunday''s cancelled event is not expected to');
SELECT is(
  internal.run_data_quality_checks(ARRAY['00000000-0000-4000-8000-0000000f9001']::uuid[],
                                   ARRAY[960001]::bigint[], ARRAY['2099-06-12']::date[]),
  0, 'completeness: an empty night that is not over yet is not flagged');

-- The other organization.
SELECT is(api.check_data_quality('2024-06-13', '2024-06-17'), 7,
  'all organizations: the same seven findings, B adds none');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE organization_id = '00000000-0000-4000-8000-0000000f9002'),
  0::bigint, 'B gets no findings from A''s data');
SELECT is(api.check_data_quality('2024-06-13', '2024-06-17', '00000000-0000-4000-8000-0000000f9002'), 0,
  'B on its own: nothing found');

-- Re-running replaces, it does not add.
CREATE TEMP TABLE first_run AS
SELECT organization_id, venue_id, business_date, check_code, severity, subject, details
  FROM reporting.data_quality_findings
 WHERE organization_id = '00000000-0000-4000-8000-0000000f9001';
SELECT is(api.check_data_quality('2024-06-13', '2024-06-17', '00000000-0000-4000-8000-0000000f9001'),
  7, 'a re-run writes the same seven findings');
SELECT bag_eq(
  $$SELECT organization_id, venue_id, business_date, check_code, severity, subject, details
      FROM reporting.data_quality_findings
     WHERE organization_id = '00000000-0000-4000-8000-0000000f9001'$$,
  $$SELECT * FROM first_run$$,
  're-running gives the same findings, none twice');
SELECT is(
  internal.run_data_quality_checks(ARRAY['00000000-0000-4000-8000-0000000f9001']::uuid[],
                                   ARRAY[960001]::bigint[], ARRAY['2024-06-13']::date[]),
  1, 'one venue-day re-run writes its one finding');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE organization_id = '00000000-0000-4000-8000-0000000f9001'),
  7::bigint, 'and leaves the other days'' findings alone');

-- Corrected data clears its finding on the next run.
UPDATE venue.payments SET amount = 20.00
 WHERE organization_id = '00000000-0000-4000-8000-0000000f9001' AND payment_id = 960007;
SELECT is(api.check_data_quality('2024-06-14', '2024-06-14', '00000000-0000-4000-8000-0000000f9001'),
  3, 'Friday re-run after the refund is corrected: three findings');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings WHERE venue_id = 960001 AND check_code = 'validation.refund_exceeds_payment'),
  0::bigint, 'the corrected refund''s finding is gone');

-- anomaly.*: Wednesdays 2024-02-28 to 2024-04-17 (eight weeks) against 2024-04-24.
-- Revenue 1150, 850, 1100, 900, 1050, 950, 1000, 1000: mean 1000, deviations
-- +-150, +-100, +-50, 0, 0, squares 70000 / 7 = 10000, stddev 100.
-- Bookings 43, 37, 42, 38, 41, 39, 40, 40: mean 40, squares 28 / 7 = 4, stddev 2.
-- 2024-04-24: revenue 1400 (z = 4.00, found), bookings 45 (z = 2.50, not).
-- Thursdays: only three weeks of history (1000, 40) before 2024-04-25's 5000
-- and 100; counting the five missing weeks as zero would flag it.
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date,
                                          bookings_total, gross_revenue, net_revenue) VALUES
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-02-28', 43, 1150.00, 1150.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-03-06', 37, 850.00, 850.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-03-13', 42, 1100.00, 1100.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-03-20', 38, 900.00, 900.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-03-27', 41, 1050.00, 1050.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-03', 39, 950.00, 950.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-10', 40, 1000.00, 1000.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-17', 40, 1000.00, 1000.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-24', 45, 1400.00, 1400.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-04', 40, 1000.00, 1000.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-11', 40, 1000.00, 1000.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-18', 40, 1000.00, 1000.00),
  ('00000000-0000-4000-8000-0000000f9001', 960001, '2024-04-25', 100, 5000.00, 5000.00);

SELECT is(api.check_data_quality('2024-04-24', '2024-04-25', '00000000-0000-4000-8000-0000000f9001'),
  1, 'anomaly: one finding for the Wednesday and the Thursday');
SELECT results_eq(
  $$SELECT business_date, check_code, subject, (details->>'value')::numeric, (details->>'mean')::numeric,
           (details->>'stddev')::numeric, (details->>'z')::numeric, (details->>'weeks')::int
      FROM reporting.data_quality_findings
     WHERE organization_id = '00000000-0000-4000-8000-0000000f9001' AND check_code LIKE 'anomaly.%'$$,
  $$VALUES ('2024-04-24'::date, 'anomaly.revenue', 'gross_revenue on 2024-04-24',
            1400.00, 1000.00, 100.00, 4.00, 8)$$,
  'anomaly.revenue: 1400 is 4 standard deviations above the Wednesday mean');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings WHERE venue_id = 960001 AND check_code = 'anomaly.bookings'),
  0::bigint, 'anomaly.bookings: 45 bookings is 2.5 standard deviations out, not flagged');
SELECT is(
  (SELECT count(*) FROM reporting.data_quality_findings
    WHERE venue_id = 960001 AND business_date = '2024-04-25'),
  0::bigint, 'anomaly: three weeks of history are not enough, and missing weeks are not zeros');

-- The Wednesday corrected to revenue 1290 (z = 2.90) and bookings 47 (z = 3.50).
UPDATE reporting.daily_aggregations SET gross_revenue = 1290.00, net_revenue = 1290.00, bookings_total = 47
 WHERE organization_id = '00000000-0000-4000-8000-0000000f9001' AND venue_id = 960001
   AND business_date = '2024-04-24';
SELECT is(api.check_data_quality('2024-04-24', '2024-04-24', '00000000-0000-4000-8000-0000000f9001'),
  1, 'anomaly re-run: one finding');
SELECT results_eq(
  $$SELECT check_code, subject, (details->>'value')::numeric, (details->>'mean')::numeric,
           (details->>'stddev')::numeric, (details->>'z')::numeric
      FROM reporting.data_quality_findings
     WHERE organization_id = '00000000-0000-4000-8000-0000000f9001' AND check_code LIKE 'anomaly.%'$$,
  $$VALUES ('anomaly.bookings', 'bookings_total on 2024-04-24', 47::numeric, 40.00, 2.00, 3.50)$$,
  'anomaly.bookings: 47 is 3.5 standard deviations out; revenue 1290 (2.9) no longer is');

-- Bad input.
SELECT throws_ok($$SELECT api.check_data_quality(NULL, '2024-06-17')$$,
  '22004', NULL, 'a missing p_from is rejected');
SELECT throws_ok($$SELECT api.check_data_quality('2024-06-13', NULL)$$,
  '22004', NULL, 'a missing p_to is rejected');
SELECT throws_ok($$SELECT api.check_data_quality('2024-06-17', '2024-06-13')$$,
  '22023', NULL, 'p_to before p_from is rejected');
SELECT throws_ok($$SELECT api.check_data_quality('2024-06-13', '2024-06-17', '00000000-0000-4000-8000-00000000dead')$$,
  'P0002', NULL, 'an unknown organization is not found');
SELECT throws_ok(
  $$SELECT internal.run_data_quality_checks(ARRAY['00000000-0000-4000-8000-0000000f9001']::uuid[],
                                            ARRAY[960001, 960002]::bigint[], ARRAY['2024-06-13']::date[])$$,
  '22023', NULL, 'venue-day arrays of different lengths are rejected');

SELECT * FROM finish();
ROLLBACK;
