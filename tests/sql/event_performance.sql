-- Event performance: one series over four weeks, figures worked out by hand.
BEGIN;
SELECT plan(9);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000e801', 'Events Org', 'events-org');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 'Hall', 'hall', 200);

-- LA FIESTA on four Fridays in May 2026, 22:00 to 04:00 local; the third is cancelled.
INSERT INTO venue.events (organization_id, event_id, venue_id, series, name, starts_at, ends_at, status) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 950001, 'LA FIESTA', 'LA FIESTA 1', '2026-05-01 22:00 Europe/London', '2026-05-02 04:00 Europe/London', 'completed'),
  ('00000000-0000-4000-8000-00000000e801', 950002, 950001, 'LA FIESTA', 'LA FIESTA 2', '2026-05-08 22:00 Europe/London', '2026-05-09 04:00 Europe/London', 'completed'),
  ('00000000-0000-4000-8000-00000000e801', 950003, 950001, 'LA FIESTA', 'LA FIESTA 3', '2026-05-15 22:00 Europe/London', '2026-05-16 04:00 Europe/London', 'cancelled'),
  ('00000000-0000-4000-8000-00000000e801', 950004, 950001, 'LA FIESTA', 'LA FIESTA 4', '2026-05-22 22:00 Europe/London', '2026-05-23 04:00 Europe/London', 'completed');

-- Night 1: 100 in (40 by QR for the event, 60 at the door with no event id), 50 out by 01:00.
INSERT INTO venue.check_ins (organization_id, venue_id, event_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 950001, 'in', 'qr', 40, '2026-05-01 22:30 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'in', 'door', 60, '2026-05-01 23:30 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'out', 'door', 50, '2026-05-02 01:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'in', 'door', 80, '2026-05-08 23:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'in', 'door', 60, '2026-05-22 23:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'in', 'door', 60, '2026-05-22 23:10 Europe/London');
INSERT INTO venue.payments (organization_id, venue_id, event_id, kind, amount, provider, status, paid_at) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 950001, 'ticket', 400, 'stripe', 'succeeded', '2026-04-20 12:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'bar', 1000, 'square', 'succeeded', '2026-05-01 23:45 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'table', 600, 'square', 'succeeded', '2026-05-02 02:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'bar', 55, 'square', 'failed', '2026-05-02 02:05 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'bar', 3000, 'square', 'succeeded', '2026-05-08 23:30 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, NULL, 'bar', 2500, 'square', 'succeeded', '2026-05-22 23:30 Europe/London');
INSERT INTO venue.feedback (organization_id, venue_id, event_id, rating, submitted_at) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 950001, 5, '2026-05-02 12:00 Europe/London'),
  ('00000000-0000-4000-8000-00000000e801', 950001, 950001, 4, '2026-05-02 13:00 Europe/London');

SELECT lives_ok($$SELECT api.process_hourly_aggregations()$$, 'aggregation runs the event analytics');

SELECT results_eq(
  $$SELECT event_id, business_date, attendance, peak_occupancy, occupancy_rate,
           gross_revenue, bar_revenue, table_revenue, ticket_revenue, feedback_count, average_rating
      FROM reporting.event_performance_analytics WHERE venue_id = 950001 ORDER BY starts_at$$,
  $$VALUES (950001::bigint, '2026-05-01'::date, 100, 100, 0.5000, 2000.00, 1000.00, 600.00, 400.00, 2, 4.50),
           (950002::bigint, '2026-05-08'::date, 80, 80, 0.4000, 3000.00, 3000.00, 0.00, 0.00, 0, NULL::numeric),
           (950004::bigint, '2026-05-22'::date, 120, 120, 0.6000, 2500.00, 2500.00, 0.00, 0.00, 0, NULL::numeric)$$,
  'attendance, peak, revenue by kind (the advance ticket by its event id, the failed tab not at all) and rating; the cancelled night has no row');
SELECT results_eq(
  $$SELECT event_id, previous_event_id, previous_attendance, previous_gross_revenue,
           series_4wk_attendance, series_4wk_revenue
      FROM reporting.event_performance_analytics WHERE venue_id = 950001 ORDER BY starts_at$$,
  $$VALUES (950001::bigint, NULL::bigint, NULL::int, NULL::numeric, NULL::numeric, NULL::numeric),
           (950002::bigint, 950001::bigint, 100, 2000.00, 100.00, 2000.00),
           (950004::bigint, 950002::bigint, 80, 3000.00, 90.00, 2500.00)$$,
  'each night against the previous one and the mean of those before');

-- A late change to the first night flows into the comparisons after it.
INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 'in', 'door', 20, '2026-05-02 00:30 Europe/London');
SELECT is(api.process_hourly_aggregations(), 1, 'one venue-day re-aggregated');
SELECT is((SELECT attendance FROM reporting.event_performance_analytics WHERE event_id = 950001), 120,
  'the first night now counts 120');
SELECT results_eq(
  $$SELECT previous_attendance, series_4wk_attendance FROM reporting.event_performance_analytics
     WHERE event_id IN (950002, 950004) ORDER BY starts_at$$,
  $$VALUES (120, 120.00), (80, 100.00)$$,
  'and the later nights'' comparisons follow');
SELECT is((SELECT count(*) FROM reporting.event_performance_analytics WHERE event_id = 950003), 0::bigint,
  'a cancelled event is not analysed');

-- Feedback sent the next day names its event: the event's night is rebuilt too.
INSERT INTO venue.feedback (organization_id, venue_id, event_id, rating, submitted_at) VALUES
  ('00000000-0000-4000-8000-00000000e801', 950001, 950002, 3, '2026-05-09 12:00 Europe/London');
SELECT is(api.process_hourly_aggregations(), 2, 'the feedback''s own day and its event''s night');
SELECT results_eq(
  $$SELECT feedback_count, average_rating FROM reporting.event_performance_analytics WHERE event_id = 950002$$,
  $$VALUES (1, 3.00)$$,
  'the second night now has its rating');

SELECT * FROM finish();
ROLLBACK;
