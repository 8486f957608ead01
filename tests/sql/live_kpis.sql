-- api.live_kpis: a hand-made Friday night at a 100-person club (London, in
-- winter: local time = UTC; trading day from 06:00), asked at 23:40 with the
-- hourly rollup made at 23:10, so hours 21 and 22 come from the rollup and
-- 23:00-23:40 from the facts. Every expected figure is added up by hand
-- from the rows below. Then the roles: admin and manager of the venue's
-- organization read it; staff and auditors may not call it; a manager of
-- another organization does not find the venue.
BEGIN;
SELECT plan(47);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a0077', 'Live A', 'live-a'),
  ('00000000-0000-4000-8000-0000000b0077', 'Live B', 'live-b');
CREATE FUNCTION pg_temp.a() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000a0077'::uuid $$;
CREATE FUNCTION pg_temp.b() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000b0077'::uuid $$;
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, timezone, trading_day_starts) VALUES
  (pg_temp.a(), 770001, 'A Club', 'a-club', 100, 'Europe/London', '06:00'),
  (pg_temp.b(), 770002, 'B Bar', 'b-bar', 50, 'America/New_York', '05:00');

-- Tonight's event, and five earlier nights of its series.
INSERT INTO venue.events (organization_id, event_id, venue_id, series, name, starts_at, ends_at) VALUES
  (pg_temp.a(), 770010, 770001, 'FIESTA', 'Fiesta 10', '2026-01-16 22:00+00', '2026-01-17 03:00+00'),
  (pg_temp.a(), 770005, 770001, 'FIESTA', 'Fiesta 5', '2025-12-12 22:00+00', '2025-12-13 03:00+00'),
  (pg_temp.a(), 770006, 770001, 'FIESTA', 'Fiesta 6', '2025-12-19 22:00+00', '2025-12-20 03:00+00'),
  (pg_temp.a(), 770007, 770001, 'FIESTA', 'Fiesta 7', '2025-12-26 22:00+00', '2025-12-27 03:00+00'),
  (pg_temp.a(), 770008, 770001, 'FIESTA', 'Fiesta 8', '2026-01-02 22:00+00', '2026-01-03 03:00+00'),
  (pg_temp.a(), 770009, 770001, 'FIESTA', 'Fiesta 9', '2026-01-09 22:00+00', '2026-01-10 03:00+00');

-- Bookings of the night (arrival; what 23:40 makes of it):
--  1 confirmed 4 at 21:00, checked in 21:10     arrived
--  2 confirmed 8 at 23:00, checked in 23:05     arrived
--  3 confirmed 3 at 22:30, no check-in          late (70 minutes)
--  4 confirmed 5 at 23:20                       expected (20 minutes)
--  5 confirmed 2 at 00:30                       expected
--  6 cancelled 6 at 22:00                       cancelled
--  7 pending   2 at 23:00                       pending
--  8 confirmed 4 at 07:00 next day              another trading day
--  9 confirmed 1 at 23:10                       expected (exactly 30 minutes)
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, party_size, status, arrives_at, cancelled_at) VALUES
  (pg_temp.a(), 770001, 770001, 4, 'confirmed', '2026-01-16 21:00+00', NULL),
  (pg_temp.a(), 770002, 770001, 8, 'confirmed', '2026-01-16 23:00+00', NULL),
  (pg_temp.a(), 770003, 770001, 3, 'confirmed', '2026-01-16 22:30+00', NULL),
  (pg_temp.a(), 770004, 770001, 5, 'confirmed', '2026-01-16 23:20+00', NULL),
  (pg_temp.a(), 770005, 770001, 2, 'confirmed', '2026-01-17 00:30+00', NULL),
  (pg_temp.a(), 770006, 770001, 6, 'cancelled', '2026-01-16 22:00+00', '2026-01-15 12:00+00'),
  (pg_temp.a(), 770007, 770001, 2, 'pending', '2026-01-16 23:00+00', NULL),
  (pg_temp.a(), 770008, 770001, 4, 'confirmed', '2026-01-17 07:00+00', NULL),
  (pg_temp.a(), 770009, 770001, 1, 'confirmed', '2026-01-16 23:10+00', NULL);

-- Door scans; people inside after each: 4, 10, 8, 33, 18 | 26, 23, 25 (and 32 after 23:40).
INSERT INTO venue.check_ins (organization_id, venue_id, booking_id, direction, method, people, occurred_at) VALUES
  (pg_temp.a(), 770001, 770001, 'in', 'qr', 4, '2026-01-16 21:10+00'),
  (pg_temp.a(), 770001, NULL, 'in', 'door', 6, '2026-01-16 21:30+00'),
  (pg_temp.a(), 770001, NULL, 'out', 'door', 2, '2026-01-16 21:50+00'),
  (pg_temp.a(), 770001, NULL, 'in', 'door', 25, '2026-01-16 22:15+00'),
  (pg_temp.a(), 770001, NULL, 'out', 'door', 15, '2026-01-16 22:40+00'),
  (pg_temp.a(), 770001, 770002, 'in', 'qr', 8, '2026-01-16 23:05+00'),
  (pg_temp.a(), 770001, NULL, 'out', 'door', 3, '2026-01-16 23:20+00'),
  (pg_temp.a(), 770001, NULL, 'in', 'door', 2, '2026-01-16 23:35+00'),
  (pg_temp.a(), 770001, NULL, 'in', 'door', 7, '2026-01-16 23:50+00');

-- Payments. Tonight to 23:40: gross 100 + 40.50 + 60 + 200 = 400.50, refunds 15 + 5 = 20.
-- Per hour: 21h 140.50 / 0; 22h 60 / 15 (the failed 99 does not count); 23h 200 / 5.
-- The event's gross adds the advance deposit naming it: 450.50.
INSERT INTO venue.payments (organization_id, venue_id, event_id, kind, amount, provider, status, paid_at) VALUES
  (pg_temp.a(), 770001, 770010, 'deposit', 50, 'stripe', 'succeeded', '2026-01-10 12:00+00'),
  (pg_temp.a(), 770001, NULL, 'bar', 7, 'cash', 'succeeded', '2026-01-16 05:30+00'),
  (pg_temp.a(), 770001, NULL, 'ticket', 100, 'stripe', 'succeeded', '2026-01-16 21:15+00'),
  (pg_temp.a(), 770001, NULL, 'bar', 40.50, 'square', 'succeeded', '2026-01-16 21:45+00'),
  (pg_temp.a(), 770001, NULL, 'bar', 60, 'square', 'succeeded', '2026-01-16 22:20+00'),
  (pg_temp.a(), 770001, NULL, 'refund', 15, 'stripe', 'succeeded', '2026-01-16 22:50+00'),
  (pg_temp.a(), 770001, NULL, 'bar', 99, 'square', 'failed', '2026-01-16 22:55+00'),
  (pg_temp.a(), 770001, NULL, 'table', 200, 'stripe', 'succeeded', '2026-01-16 23:10+00'),
  (pg_temp.a(), 770001, NULL, 'refund', 5, 'stripe', 'succeeded', '2026-01-16 23:30+00'),
  (pg_temp.a(), 770001, NULL, 'bar', 30, 'square', 'succeeded', '2026-01-16 23:45+00');

-- The rollup, as if made at 23:10: hours before 23:00 come from it.
SELECT ok(api.process_hourly_aggregations() > 0, 'the night is rolled up');
UPDATE reporting.hourly_aggregations SET computed_at = '2026-01-16 23:10+00'
 WHERE organization_id = pg_temp.a() AND business_date = '2026-01-16';

-- The series' earlier nights, by hand: the last four average attendance 250,
-- gross 2,500, peak 65, bookings 25; the fifth back (1,000) is left out.
DELETE FROM reporting.event_performance_analytics WHERE organization_id = pg_temp.a() AND event_id BETWEEN 770005 AND 770009;
INSERT INTO reporting.event_performance_analytics
  (organization_id, event_id, venue_id, series, business_date, starts_at, capacity,
   attendance, peak_occupancy, bookings_total, gross_revenue) VALUES
  (pg_temp.a(), 770005, 770001, 'FIESTA', '2025-12-12', '2025-12-12 22:00+00', 100, 1000, 100, 100, 10000),
  (pg_temp.a(), 770006, 770001, 'FIESTA', '2025-12-19', '2025-12-19 22:00+00', 100, 100, 50, 10, 1000),
  (pg_temp.a(), 770007, 770001, 'FIESTA', '2025-12-26', '2025-12-26 22:00+00', 100, 200, 60, 20, 2000),
  (pg_temp.a(), 770008, 770001, 'FIESTA', '2026-01-02', '2026-01-02 22:00+00', 100, 300, 70, 30, 3000),
  (pg_temp.a(), 770009, 770001, 'FIESTA', '2026-01-09', '2026-01-09 22:00+00', 100, 400, 80, 40, 4000);

CREATE FUNCTION pg_temp.k() RETURNS jsonb LANGUAGE sql AS $$
  SELECT api.live_kpis(770001, '2026-01-16 23:40+00') $$;

-- The day and the rollup boundary.
SELECT is((pg_temp.k() ->> 'business_date')::date, '2026-01-16'::date, 'the trading day of 23:40 is Friday');
SELECT is((pg_temp.k() ->> 'trading_day_start')::timestamptz, '2026-01-16 06:00+00'::timestamptz, 'it began at 06:00');
SELECT is((pg_temp.k() ->> 'trading_day_end')::timestamptz, '2026-01-17 06:00+00'::timestamptz, 'it ends at 06:00 next day');
SELECT is((pg_temp.k() ->> 'rollup_through')::timestamptz, '2026-01-16 23:00+00'::timestamptz,
  'rolled-up hours are read up to the hour the rollup was made in');
SELECT is((api.live_kpis(770001, '2026-01-17 05:59:59+00') ->> 'business_date')::date, '2026-01-16'::date,
  '05:59:59 next morning is still Friday''s trading day');
SELECT is((api.live_kpis(770001, '2026-01-17 06:00+00') ->> 'business_date')::date, '2026-01-17'::date,
  '06:00 starts Saturday''s');

-- Occupancy: ins 4+6+25+8+2 = 45, outs 2+15+3 = 20; the peak, 33, was at 22:15 (a rolled-up hour).
SELECT is((pg_temp.k() #>> '{occupancy,people_inside}')::int, 25, 'people inside: check-ins minus check-outs to 23:40');
SELECT is((pg_temp.k() #>> '{occupancy,peak}')::int, 33, 'the night''s peak so far, from the rolled-up hour');
SELECT is((pg_temp.k() #>> '{occupancy,rate}')::numeric, 0.25, 'occupancy rate: 25 of capacity 100');
SELECT is((pg_temp.k() #>> '{occupancy,peak_rate}')::numeric, 0.33, 'peak rate: 33 of 100');
SELECT is((api.live_kpis(770001, '2026-01-16 23:55+00') #>> '{occupancy,people_inside}')::int, 32,
  'the 23:50 scan counts once it has happened');

-- Bookings.
SELECT is(pg_temp.k() #>> '{bookings,total}', '7', 'bookings tonight, cancelled left out');
SELECT is(pg_temp.k() #>> '{bookings,arrived}', '2', 'arrived: the two with a check-in');
SELECT is(pg_temp.k() #>> '{bookings,arrived_covers}', '12', 'arrived covers 4 + 8');
SELECT is(pg_temp.k() #>> '{bookings,expected}', '3', 'expected: 23:20, 00:30 and 23:10 (exactly 30 minutes ago)');
SELECT is(pg_temp.k() #>> '{bookings,expected_covers}', '8', 'expected covers 5 + 2 + 1');
SELECT is(pg_temp.k() #>> '{bookings,late}', '1', 'late: confirmed for 22:30, not in after 70 minutes');
SELECT is(pg_temp.k() #>> '{bookings,late_covers}', '3', 'late covers 3');
SELECT is(pg_temp.k() #>> '{bookings,pending}', '1', 'one pending');
SELECT is(pg_temp.k() #>> '{bookings,cancelled}', '1', 'one cancelled');

-- Revenue, in total and per hour.
SELECT is((pg_temp.k() #>> '{revenue,gross}')::numeric, 400.50, 'gross so far: 100 + 40.50 + 60 + 200');
SELECT is((pg_temp.k() #>> '{revenue,refunds}')::numeric, 20.00, 'refunds so far: 15 + 5');
SELECT is((pg_temp.k() #>> '{revenue,net}')::numeric, 380.50, 'net = gross - refunds');
SELECT is(jsonb_array_length(pg_temp.k() -> 'hourly'), 18, 'one entry per local hour from 06:00 to 23:00');
SELECT is(
  (SELECT array_agg(format('%s:%s/%s/%s in %s out %s', h ->> 'local_hour', h ->> 'gross', h ->> 'refunds',
                           h ->> 'net', h ->> 'check_ins', h ->> 'check_outs') ORDER BY h ->> 'hour_start')
     FROM jsonb_array_elements(pg_temp.k() -> 'hourly') h WHERE (h ->> 'local_hour')::int >= 20),
  ARRAY['20:0.00/0.00/0.00 in 0 out 0', '21:140.50/0.00/140.50 in 10 out 2',
        '22:60.00/15.00/45.00 in 25 out 15', '23:200.00/5.00/195.00 in 10 out 3'],
  'per hour: rolled-up hours 21 and 22, scanned hour 23');

-- The current event against the last four of its series.
SELECT is(pg_temp.k() #>> '{event,event_id}', '770010', 'the event running at 23:40');
SELECT is(pg_temp.k() #>> '{event,phase}', 'running', 'it is running');
SELECT is((pg_temp.k() #>> '{event,attendance}')::int, 45, 'attendance so far: every check-in since 21:00');
SELECT is((pg_temp.k() #>> '{event,gross_revenue}')::numeric, 450.50, 'event gross: tonight''s 400.50 and the advance deposit of 50');
SELECT is((pg_temp.k() #>> '{event,bookings}')::int, 7, 'event bookings: tonight''s not cancelled');
SELECT is(pg_temp.k() #> '{event,series_average}',
  '{"occurrences": 4, "attendance": 250.00, "gross_revenue": 2500.00, "peak_occupancy": 65.00, "bookings": 25.00}'::jsonb,
  'series average of the previous four nights');
SELECT is((pg_temp.k() #>> '{event,attendance_vs_average}')::numeric, 0.18, 'attendance 45 / 250');
SELECT is((pg_temp.k() #>> '{event,revenue_vs_average}')::numeric, 0.1802, 'revenue 450.50 / 2500');

-- A payment back-dated into a closed hour after the rollup shows after the next one.
INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, status, paid_at) VALUES
  (pg_temp.a(), 770001, 'bar', 1000, 'cash', 'succeeded', '2026-01-16 22:30+00');
SELECT is((pg_temp.k() #>> '{revenue,gross}')::numeric, 400.50, 'a fact back-dated into a rolled-up hour waits for the rollup');
SELECT ok(api.process_hourly_aggregations() >= 1, 'the day is rolled up again');
SELECT is((pg_temp.k() #>> '{revenue,gross}')::numeric, 1400.50, 'and is counted once the day is rolled up again');

-- Another clock: New York, trading day from 05:00; 04:30 local on the 17th is the 16th's.
SELECT is(
  (SELECT format('%s %s %s', k ->> 'business_date', (k ->> 'trading_day_start')::timestamptz AT TIME ZONE 'UTC',
                 (k ->> 'rollup_through')::timestamptz AT TIME ZONE 'UTC')
     FROM api.live_kpis(770002, '2026-01-17 09:30+00') k),
  '2026-01-16 2026-01-16 10:00:00 2026-01-16 10:00:00',
  'each venue''s own clock and trading day; with no rollup every fact of the day is read');

-- Bad input.
SELECT throws_ok($$SELECT api.live_kpis(NULL)$$, '22004', NULL, 'a missing venue is 22004');
SELECT throws_ok($$SELECT api.live_kpis(770001, NULL)$$, '22004', NULL, 'a missing time is 22004');
SELECT throws_ok($$SELECT api.live_kpis(779999)$$, 'P0002', NULL, 'an unknown venue is P0002');

-- Roles: a1 admin, a2 manager, a3 staff, a4 auditor of A; b2 manager of B.
CREATE FUNCTION pg_temp.u(text) RETURNS uuid LANGUAGE sql AS $$
  SELECT ('00000000-0000-4000-8000-00000000' || $1 || '77')::uuid $$;
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  (pg_temp.a(), pg_temp.u('a1'), 'admin'),
  (pg_temp.a(), pg_temp.u('a2'), 'manager'),
  (pg_temp.a(), pg_temp.u('a3'), 'staff'),
  (pg_temp.a(), pg_temp.u('a4'), 'auditor'),
  (pg_temp.b(), pg_temp.u('b2'), 'manager');

\ir include/as_user.psql

SELECT is(pg_temp.as_user('nightcap_manager', 'a2',
  $$SELECT api.live_kpis(770001, '2026-01-16 23:40+00') #>> '{occupancy,people_inside}'$$), '25',
  'a manager of the venue''s organization reads it');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1',
  $$SELECT api.live_kpis(770001, '2026-01-16 23:40+00') #>> '{revenue,gross}'$$), '1400.50',
  'an admin of the venue''s organization reads it');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_staff', 'a3', $$SELECT api.live_kpis(770001)$$)$t$, '42501', NULL,
  'staff may not call it (42501)');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_auditor', 'a4', $$SELECT api.live_kpis(770001)$$)$t$, '42501', NULL,
  'an auditor may not call it (42501)');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'b2', $$SELECT api.live_kpis(770001)$$)$t$, 'P0002', NULL,
  'a manager of another organization does not find the venue (P0002)');
SELECT is(pg_temp.as_user('nightcap_manager', 'b2', $$SELECT api.live_kpis(770002) ->> 'venue_name'$$), 'B Bar',
  'and reads their own');

SELECT * FROM finish();
ROLLBACK;
