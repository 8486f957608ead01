-- Customer analytics: pseudonymous keys, visits, money, RFM scores, churn and
-- preferred night on a small hand-made dataset; every expected value is
-- worked out by hand in the comments (as of Tuesday 2026-06-30).
BEGIN;
SELECT plan(24);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000e9001', 'Analytics Org', 'analytics-org'),
  ('00000000-0000-4000-8000-0000000e9002', 'Analytics Other', 'analytics-other');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000e9001', 970001, 'Main', 'main', 100),
  ('00000000-0000-4000-8000-0000000e9002', 970002, 'Elsewhere', 'elsewhere', 100);
-- Both venues: Europe/London, trading day from 06:00 (01:30 on Sunday is Saturday night).

INSERT INTO venue.customers (organization_id, customer_id, first_name, last_name, email, phone, is_vip) VALUES
  ('00000000-0000-4000-8000-0000000e9001', 970001, 'Alice', 'Able', 'alice@example.test', '+447700900001', true),
  ('00000000-0000-4000-8000-0000000e9001', 970002, 'Bob', 'Brown', 'bob@example.test', '+447700900002', false),
  ('00000000-0000-4000-8000-0000000e9001', 970003, 'Carol', 'Cole', 'carol@example.test', '+447700900003', false),
  ('00000000-0000-4000-8000-0000000e9001', 970004, 'Dave', 'Dune', 'dave@example.test', '+447700900004', false),
  ('00000000-0000-4000-8000-0000000e9001', 970005, 'Eve', 'Evans', 'eve@example.test', '+447700900005', false),
  ('00000000-0000-4000-8000-0000000e9001', 970006, 'Frank', 'Fox', 'frank@example.test', '+447700900006', false),
  ('00000000-0000-4000-8000-0000000e9001', 970007, 'Gina', 'Gold', 'gina@example.test', '+447700900007', false),
  -- The same customer id in the other organization: another person, another key.
  ('00000000-0000-4000-8000-0000000e9002', 970001, 'Zed', 'Zimmer', 'zed@example.test', '+447700900099', true);

INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, party_size, status,
                            occasion, arrives_at, cancelled_at) VALUES
  -- Alice: visits on Saturdays 06-06, 06-13 (arriving 01:30 Sunday) and 06-27; gaps 7 and 14 days.
  ('00000000-0000-4000-8000-0000000e9001', 970101, 970001, 970001, 2, 'completed', 'birthday', '2026-06-06 22:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970102, 970001, 970001, 2, 'completed', 'none', '2026-06-14 01:30+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970103, 970001, 970001, 2, 'completed', 'none', '2026-06-27 23:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970104, 970001, 970001, 2, 'cancelled', 'birthday', '2026-06-20 22:00+01', '2026-06-19 12:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970105, 970001, 970001, 2, 'no_show', 'anniversary', '2026-05-01 22:00+01', NULL),
  -- Bob: two Fridays, 357 days apart; the first is outside the 365-day window (2025-07-01 .. 2026-06-30).
  ('00000000-0000-4000-8000-0000000e9001', 970111, 970001, 970002, 2, 'completed', 'none', '2025-06-27 22:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970112, 970001, 970002, 2, 'completed', 'none', '2026-06-19 22:00+01', NULL),
  -- Carol: never came; the booking of 07-04 is after p_as_of and does not count.
  ('00000000-0000-4000-8000-0000000e9001', 970121, 970001, 970003, 2, 'no_show', 'none', '2026-06-26 22:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970122, 970001, 970003, 2, 'pending', 'none', '2026-06-29 21:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970123, 970001, 970003, 2, 'confirmed', 'birthday', '2026-07-04 22:00+01', NULL),
  -- Dave: Thursday 06-04 and Saturday 06-20 (arriving 02:00 Sunday): one each, so Thursday.
  ('00000000-0000-4000-8000-0000000e9001', 970131, 970001, 970004, 2, 'completed', 'none', '2026-06-04 22:00+01', NULL),
  ('00000000-0000-4000-8000-0000000e9001', 970132, 970001, 970004, 2, 'completed', 'none', '2026-06-21 02:00+01', NULL),
  -- Frank: one visit, Saturday 2026-01-10 (01:00 Sunday GMT).
  ('00000000-0000-4000-8000-0000000e9001', 970141, 970001, 970006, 2, 'completed', 'none', '2026-01-11 01:00+00', NULL),
  -- Gina: one visit, the same night as Alice's last.
  ('00000000-0000-4000-8000-0000000e9001', 970151, 970001, 970007, 2, 'completed', 'none', '2026-06-27 22:30+01', NULL),
  -- A walk-in without a customer: no row.
  ('00000000-0000-4000-8000-0000000e9001', 970161, 970001, NULL, 4, 'completed', 'none', '2026-06-27 22:00+01', NULL),
  -- The other organization's 970001 visits on Monday 06-29: must not reach Alice.
  ('00000000-0000-4000-8000-0000000e9002', 970171, 970002, 970001, 2, 'completed', 'birthday', '2026-06-29 22:00+01', NULL);

INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, customer_id,
                            refund_of_payment_id, kind, amount, provider, status, paid_at) VALUES
  -- Alice: 50 + 120.50 - 20 in the window, 300 before it, a failed 999 and a 70 after p_as_of ignored.
  ('00000000-0000-4000-8000-0000000e9001', 970201, 970001, 970104, 970001, NULL, 'deposit', 50.00, 'stripe', 'succeeded', '2026-06-01 12:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970202, 970001, 970102, 970001, NULL, 'bar', 120.50, 'square', 'succeeded', '2026-06-13 23:30+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970203, 970001, 970104, 970001, 970201, 'refund', 20.00, 'stripe', 'succeeded', '2026-06-21 12:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970204, 970001, 970103, 970001, NULL, 'bar', 999.00, 'square', 'failed', '2026-06-27 23:30+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970205, 970001, NULL, 970001, NULL, 'table', 300.00, 'cash', 'succeeded', '2025-05-01 23:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970206, 970001, NULL, 970001, NULL, 'bar', 70.00, 'square', 'succeeded', '2026-07-04 23:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970211, 970001, 970112, 970002, NULL, 'ticket', 30.00, 'stripe', 'succeeded', '2026-06-19 21:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970221, 970001, 970121, 970003, NULL, 'deposit', 40.00, 'stripe', 'succeeded', '2026-06-20 12:00+01'),
  -- Dave: 80 + 10 (2025-07-01, the window's first day) in the window, 5 (2025-06-30) just before it.
  ('00000000-0000-4000-8000-0000000e9001', 970231, 970001, 970132, 970004, NULL, 'bar', 80.00, 'square', 'succeeded', '2026-06-21 01:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970232, 970001, NULL, 970004, NULL, 'bar', 10.00, 'cash', 'succeeded', '2025-07-01 20:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970233, 970001, NULL, 970004, NULL, 'bar', 5.00, 'cash', 'succeeded', '2025-06-30 20:00+01'),
  ('00000000-0000-4000-8000-0000000e9001', 970241, 970001, 970141, 970006, NULL, 'table', 1000.00, 'stripe', 'succeeded', '2026-01-11 00:30+00'),
  -- Eve pays at the bar but never booked: no row.
  ('00000000-0000-4000-8000-0000000e9001', 970251, 970001, NULL, 970005, NULL, 'bar', 25.00, 'cash', 'succeeded', '2026-06-27 23:00+01'),
  ('00000000-0000-4000-8000-0000000e9002', 970271, 970002, 970171, 970001, NULL, 'bar', 500.00, 'square', 'succeeded', '2026-06-29 23:00+01');

-- Keys: a salt fixed by hand for the first organization ('nightcapsalt'), so
-- its key is md5('6e6967687463617073616c74:970001'), computed outside PostgreSQL.
INSERT INTO internal.organization_secrets (organization_id, analytics_salt)
VALUES ('00000000-0000-4000-8000-0000000e9001', '\x6e6967687463617073616c74');
SELECT is(internal.customer_key('00000000-0000-4000-8000-0000000e9001', 970001),
  'cfa99dad2750df1ed69a351f5f06ea2a',
  'the key is md5 of the salt in hex, a colon and the customer id (and an existing salt is kept)');

SELECT is((SELECT count(*) FROM internal.organization_secrets
            WHERE organization_id = '00000000-0000-4000-8000-0000000e9002'),
  0::bigint, 'the other organization has no salt yet ...');
SELECT is(api.process_customer_analytics('00000000-0000-4000-8000-0000000e9002', '2026-06-30'), 1,
  'its rebuild writes its one customer ...');
SELECT is((SELECT count(*) FROM internal.organization_secrets
            WHERE organization_id = '00000000-0000-4000-8000-0000000e9002'),
  1::bigint, '... and creates its salt');

-- A leftover row that the rebuild must replace.
INSERT INTO reporting.customer_analytics (organization_id, customer_key)
VALUES ('00000000-0000-4000-8000-0000000e9001', 'stale');
SELECT is(api.process_customer_analytics('00000000-0000-4000-8000-0000000e9001', '2026-06-30'), 6,
  'six customers with a booking: not Eve (payment only), the walk-in or the other organization''s');
SELECT set_eq(
  $$SELECT customer_key FROM reporting.customer_analytics
     WHERE organization_id = '00000000-0000-4000-8000-0000000e9001'$$,
  $$SELECT internal.customer_key('00000000-0000-4000-8000-0000000e9001', id)
      FROM unnest('{970001,970002,970003,970004,970006,970007}'::bigint[]) id$$,
  'exactly those six, keyed as internal.customer_key keys them; the stale row is gone');
CREATE TEMP TABLE first_keys AS
SELECT customer_key FROM reporting.customer_analytics
 WHERE organization_id = '00000000-0000-4000-8000-0000000e9001';

-- The rows by customer id, for reading the results.
CREATE TEMP VIEW analytics_by_id AS
SELECT c.customer_id, a.*
  FROM venue.customers c
  JOIN reporting.customer_analytics a
    ON a.organization_id = c.organization_id
   AND a.customer_key = internal.customer_key(c.organization_id, c.customer_id)
 WHERE c.organization_id = '00000000-0000-4000-8000-0000000e9001';

SELECT results_eq(
  $$SELECT customer_id, is_vip, bookings_total, visits, cancellations, no_shows, first_visit, last_visit,
           frequency_365d, birthdays, anniversaries
      FROM analytics_by_id ORDER BY customer_id$$,
  $$VALUES (970001::bigint, true, 5, 3, 1, 1, '2026-06-06'::date, '2026-06-27'::date, 3, 1, 1),
           (970002, false, 2, 2, 0, 0, '2025-06-27', '2026-06-19', 1, 0, 0),
           (970003, false, 2, 0, 0, 1, NULL, NULL, 0, 0, 0),
           (970004, false, 2, 2, 0, 0, '2026-06-04', '2026-06-20', 2, 0, 0),
           (970006, false, 1, 1, 0, 0, '2026-01-10', '2026-01-10', 1, 0, 0),
           (970007, false, 1, 1, 0, 0, '2026-06-27', '2026-06-27', 1, 0, 0)$$,
  'bookings, visits (on trading days), frequency in 365 days and occasions; the cancelled birthday and the booking after p_as_of do not count');
SELECT results_eq(
  $$SELECT customer_id, monetary_365d, lifetime_value FROM analytics_by_id ORDER BY customer_id$$,
  $$VALUES (970001::bigint, 150.50, 450.50), (970002, 30.00, 30.00), (970003, 40.00, 40.00),
           (970004, 90.00, 95.00), (970006, 1000.00, 1000.00), (970007, 0.00, 0.00)$$,
  'money: Alice 50 + 120.50 - 20 refunded (+ 300 a year earlier), Dave 80 + 10 (+ 5 the day before the window)');
SELECT results_eq(
  $$SELECT customer_id, recency_score::int, frequency_score::int, monetary_score::int, loyalty_score
      FROM analytics_by_id ORDER BY customer_id$$,
  $$VALUES (970001::bigint, 5, 5, 4, 93.33), (970002, 2, 3, 1, 40.00), (970003, NULL, 1, 2, NULL),
           (970004, 3, 4, 3, 66.67), (970006, 1, 3, 5, 60.00), (970007, 5, 3, 1, 60.00)$$,
  'scores: ntile(5) of 6 (recency of the 5 with a visit); Alice and Gina (same last night) share 5, Bob, Frank and Gina (one visit each) share 3; loyalty = 100 * (r + f + m) / 15');
SELECT results_eq(
  $$SELECT customer_id, recency_days, churn_probability, preferred_night FROM analytics_by_id ORDER BY customer_id$$,
  $$VALUES (970001::bigint, 3, 0.2485, 'Saturday'), (970002, 11, 0.0303, 'Friday'),
           (970003, NULL, NULL, NULL), (970004, 10, 0.4647, 'Thursday'),
           (970006, 171, 0.9422, 'Saturday'), (970007, 3, 0.0488, 'Saturday')$$,
  'churn = 1 - exp(-recency / gap): Alice 3 / 10.5, Bob 11 / 357, Dave 10 / 16, Frank 171 / 60, Gina 3 / 60; Dave''s tie goes to Thursday');

SELECT results_eq(
  $$SELECT visits, birthdays, monetary_365d, preferred_night FROM reporting.customer_analytics
     WHERE organization_id = '00000000-0000-4000-8000-0000000e9002'$$,
  $$VALUES (1, 1, 500.00, 'Monday')$$,
  'the other organization''s row is untouched by the first''s rebuild and holds only its own customer');
SELECT isnt(internal.customer_key('00000000-0000-4000-8000-0000000e9001', 970001),
            internal.customer_key('00000000-0000-4000-8000-0000000e9002', 970001),
  'the same customer id has different keys in two organizations');

SELECT is(api.process_customer_analytics('00000000-0000-4000-8000-0000000e9001', '2026-06-30'), 6,
  'a second run ...');
SELECT set_eq(
  $$SELECT customer_key FROM reporting.customer_analytics
     WHERE organization_id = '00000000-0000-4000-8000-0000000e9001'$$,
  $$SELECT customer_key FROM first_keys$$,
  '... replaces the rows under the same keys');

-- No identifiers: neither a column for them nor their values anywhere in a row.
SELECT is(
  (SELECT array_agg(column_name::text ORDER BY 1) FROM information_schema.columns
    WHERE table_schema = 'reporting' AND table_name = 'customer_analytics'
      AND column_name IN ('customer_id', 'first_name', 'last_name', 'email', 'phone', 'date_of_birth')),
  NULL, 'reporting.customer_analytics has no identifying column');
SELECT is(
  (SELECT count(*) FROM reporting.customer_analytics a
     JOIN venue.customers c ON c.organization_id IN ('00000000-0000-4000-8000-0000000e9001',
                                                      '00000000-0000-4000-8000-0000000e9002')
    WHERE a.organization_id IN ('00000000-0000-4000-8000-0000000e9001', '00000000-0000-4000-8000-0000000e9002')
      AND (strpos(to_jsonb(a)::text, c.first_name) > 0 OR strpos(to_jsonb(a)::text, c.last_name) > 0
           OR strpos(to_jsonb(a)::text, c.email) > 0 OR strpos(to_jsonb(a)::text, c.phone) > 0)),
  0::bigint, 'no row holds any customer''s name, email or phone');

-- As of an earlier day, later facts are not seen: Alice has 06-06 and 06-13
-- (gap 7), recency 7, churn 1 - exp(-1) = 0.6321; 50 + 120.50 paid (the
-- refund of 06-21 is later) + 300. Carol and Gina have no booking yet.
SELECT is(api.process_customer_analytics('00000000-0000-4000-8000-0000000e9001', '2026-06-20'), 4,
  'as of 2026-06-20: four customers had a booking by then');
SELECT results_eq(
  $$SELECT bookings_total, visits, last_visit, recency_days, churn_probability, monetary_365d, lifetime_value
      FROM analytics_by_id WHERE customer_id = 970001$$,
  $$VALUES (4, 2, '2026-06-13'::date, 7, 0.6321, 170.50, 470.50)$$,
  'as of 2026-06-20 Alice''s later visit, booking and refund are not counted');

SELECT is(internal.customer_key('00000000-0000-4000-8000-0000000e9001', NULL), NULL,
  'no customer, no key');

-- Bad input, by SQLSTATE.
SELECT throws_ok($$SELECT api.process_customer_analytics(NULL)$$,
  '22004', NULL, 'a missing organization is rejected');
SELECT throws_ok($$SELECT api.process_customer_analytics('00000000-0000-4000-8000-0000000e9001', NULL)$$,
  '22004', NULL, 'a missing as-of day is rejected');
SELECT throws_ok($$SELECT api.process_customer_analytics('00000000-0000-4000-8000-0000000e9fff')$$,
  'P0002', NULL, 'an unknown organization is not found');
SELECT throws_ok($$SELECT internal.customer_key(NULL, 970001)$$,
  '22004', NULL, 'a key needs an organization');
SELECT throws_ok($$SELECT internal.customer_key('00000000-0000-4000-8000-0000000e9fff', 970001)$$,
  'P0002', NULL, 'a key of an unknown organization is not found');

SELECT * FROM finish();
ROLLBACK;
