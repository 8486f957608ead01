-- Constraints of the venue model (migrations/versions/0002_venue_model.sql):
-- impossible rows are rejected with the right SQLSTATE, valid rows go in.
-- 23514 check_violation, 23502 not_null_violation, 23505 unique_violation,
-- 22023 invalid_parameter_value (an unknown time zone in venues_timezone_known).
BEGIN;
SELECT plan(53);

-- Fixture: one organization with one venue, event, customer and booking,
-- all with fixed ids so the statements below can name them.
INSERT INTO venue.organizations (organization_id, name, slug)
VALUES ('00000000-0000-4000-8000-00000000c001', 'Constraint Test Org', 'test-constraints-org');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity)
VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Test Club', 'test-club', 300);
INSERT INTO venue.events (organization_id, event_id, venue_id, name, starts_at, ends_at)
VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 'Test Night',
        '2024-06-01 22:00+00', '2024-06-02 04:00+00');
INSERT INTO venue.customers (organization_id, customer_id, first_name, email)
VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Ada', 'ada@example.com');
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, event_id, customer_id, party_size, arrives_at)
VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 900001, 900001, 4, '2024-06-01 23:00+00');
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, kind, amount, provider, paid_at)
VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 900001, 'deposit', 50, 'stripe', '2024-05-20 12:00+00');

-- Organizations: slug format, unique slug, ISO currency, a name.
SELECT throws_ok($$INSERT INTO venue.organizations (name, slug) VALUES ('Bad', 'Bad Slug')$$,
  '23514', NULL, 'organization slug with capitals and a space is rejected');
SELECT throws_ok($$INSERT INTO venue.organizations (name, slug) VALUES ('Dup', 'test-constraints-org')$$,
  '23505', NULL, 'duplicate organization slug is rejected');
SELECT throws_ok($$INSERT INTO venue.organizations (name, slug, currency) VALUES ('Cur', 'test-cur', 'gbp')$$,
  '23514', NULL, 'lower-case currency code is rejected');
SELECT throws_ok($$INSERT INTO venue.organizations (name, slug) VALUES ('   ', 'test-blank')$$,
  '23514', NULL, 'blank organization name is rejected');
SELECT throws_ok($$INSERT INTO venue.organizations (name, slug) VALUES (NULL, 'test-null-name')$$,
  '23502', NULL, 'NULL organization name is rejected');

-- Venues: known time zone, hex brand colour, positive capacity, kind, unique slug.
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity, timezone)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'TZ', 'tz', 100, 'Mars/Olympus')$$,
  '22023', NULL, 'unknown venue time zone is rejected with 22023');
SELECT lives_ok($$INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, timezone)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900002, 'Madrid', 'madrid', 100, 'Europe/Madrid')$$,
  'a known IANA time zone is accepted');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity, brand_colour)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Red', 'red', 100, 'red')$$,
  '23514', NULL, 'brand colour that is not #RRGGBB is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity, brand_colour)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Short', 'short', 100, '#abc')$$,
  '23514', NULL, 'three-digit brand colour is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Zero', 'zero', 0)$$,
  '23514', NULL, 'venue capacity 0 is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity)
                   VALUES ('00000000-0000-4000-8000-00000000c001', '   ', 'blank', 100)$$,
  '23514', NULL, 'a blank venue name is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity, kind)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Disco', 'disco', 100, 'disco')$$,
  '23514', NULL, 'unknown venue kind is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug, capacity)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Again', 'test-club', 100)$$,
  '23505', NULL, 'duplicate venue slug within an organization is rejected');
SELECT throws_ok($$INSERT INTO venue.venues (organization_id, name, slug)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'NoCap', 'nocap')$$,
  '23502', NULL, 'venue without a capacity is rejected');

-- Events: end after start, at most 24 hours, known status.
SELECT throws_ok($$INSERT INTO venue.events (organization_id, venue_id, name, starts_at, ends_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Backwards',
                           '2024-06-08 22:00+00', '2024-06-08 21:00+00')$$,
  '23514', NULL, 'event ending before it starts is rejected');
SELECT throws_ok($$INSERT INTO venue.events (organization_id, venue_id, name, starts_at, ends_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Instant',
                           '2024-06-08 22:00+00', '2024-06-08 22:00+00')$$,
  '23514', NULL, 'event ending when it starts is rejected');
SELECT throws_ok($$INSERT INTO venue.events (organization_id, venue_id, name, starts_at, ends_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Marathon',
                           '2024-06-08 22:00+00', '2024-06-09 22:01+00')$$,
  '23514', NULL, 'event longer than 24 hours is rejected');
SELECT throws_ok($$INSERT INTO venue.events (organization_id, venue_id, name, starts_at, ends_at, status)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Odd',
                           '2024-06-08 22:00+00', '2024-06-09 03:00+00', 'postponed')$$,
  '23514', NULL, 'unknown event status is rejected');
SELECT lives_ok($$INSERT INTO venue.events (organization_id, venue_id, name, starts_at, ends_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'Late Night',
                          '2024-06-08 22:00+00', '2024-06-09 06:00+00')$$,
  'event crossing midnight is accepted');

-- Bookings: party size 1..500, known status, cancelled <=> cancelled_at.
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, -3, '2024-06-01 23:00+00')$$,
  '23514', NULL, 'negative party size is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 0, '2024-06-01 23:00+00')$$,
  '23514', NULL, 'party size 0 is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 501, '2024-06-01 23:00+00')$$,
  '23514', NULL, 'party size 501 is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, '2024-06-01 23:00+00')$$,
  '23502', NULL, 'booking without a party size is rejected');
SELECT lives_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 1, '2024-06-01 23:00+00'),
                         ('00000000-0000-4000-8000-00000000c001', 900001, 500, '2024-06-01 23:00+00')$$,
  'party sizes 1 and 500 are accepted');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, status)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00', 'maybe')$$,
  '23514', NULL, 'unknown booking status is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, status)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00', 'cancelled')$$,
  '23514', NULL, 'cancelled booking without cancelled_at is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, status, cancelled_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00',
                           'confirmed', '2024-05-30 10:00+00')$$,
  '23514', NULL, 'confirmed booking with a cancelled_at is rejected');
SELECT lives_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, status, cancelled_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00',
                          'cancelled', '2024-05-30 10:00+00')$$,
  'cancelled booking with cancelled_at is accepted');
SELECT throws_ok($$UPDATE venue.bookings SET status = 'cancelled'
                   WHERE organization_id = '00000000-0000-4000-8000-00000000c001' AND booking_id = 900001$$,
  '23514', NULL, 'cancelling a booking without setting cancelled_at is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, deposit_amount)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00', -10)$$,
  '23514', NULL, 'negative deposit amount is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at, channel)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 2, '2024-06-01 23:00+00', 'carrier-pigeon')$$,
  '23514', NULL, 'unknown booking channel is rejected');

-- Payments: positive amount (refunds included), refund link only on refunds.
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, refund_of_payment_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 900001, 'refund', NULL, 'stripe', '2024-05-25 12:00+00')$$,
  '23502', NULL, 'refund with a NULL amount is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, refund_of_payment_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 900001, 'refund', -50, 'stripe', '2024-05-25 12:00+00')$$,
  '23514', NULL, 'refund with a negative amount is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'bar', 0, 'cash', '2024-06-01 23:30+00')$$,
  '23514', NULL, 'payment of zero is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, refund_of_payment_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 'bar', 20, 'cash', '2024-06-01 23:30+00')$$,
  '23514', NULL, 'a non-refund pointing at a refunded payment is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'bar', 20, 'venmo', '2024-06-01 23:30+00')$$,
  '23514', NULL, 'unknown payment provider is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'tip', 20, 'cash', '2024-06-01 23:30+00')$$,
  '23514', NULL, 'unknown payment kind is rejected');
SELECT lives_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, refund_of_payment_id, kind, amount, provider, paid_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 900001, 'refund', 50, 'stripe', '2024-05-25 12:00+00')$$,
  'refund with a positive amount of a deposit is accepted');

-- Check-ins: known direction and method, 1..100 people; an unmatched check-out is accepted.
SELECT lives_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, event_id, direction, method, people, occurred_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 900001, 'out', 'door', 1, '2024-06-01 22:30+00')$$,
  'a check-out with no check-in before it is accepted');
SELECT is((SELECT count(*)::int FROM venue.check_ins
            WHERE organization_id = '00000000-0000-4000-8000-00000000c001' AND direction = 'out'),
          1, 'the unmatched check-out is stored');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'sideways', 'door', '2024-06-01 22:30+00')$$,
  '23514', NULL, 'unknown check-in direction is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'in', 'nfc', '2024-06-01 22:30+00')$$,
  '23514', NULL, 'unknown check-in method is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, people, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'in', 'qr', 0, '2024-06-01 22:30+00')$$,
  '23514', NULL, 'check-in of 0 people is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, people, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 'in', 'qr', 101, '2024-06-01 22:30+00')$$,
  '23514', NULL, 'check-in of 101 people is rejected');

-- Feedback: rating 1..5.
SELECT throws_ok($$INSERT INTO venue.feedback (organization_id, venue_id, rating)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 0)$$,
  '23514', NULL, 'rating 0 is rejected');
SELECT throws_ok($$INSERT INTO venue.feedback (organization_id, venue_id, rating)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 6)$$,
  '23514', NULL, 'rating 6 is rejected');
SELECT lives_ok($$INSERT INTO venue.feedback (organization_id, venue_id, rating)
                  VALUES ('00000000-0000-4000-8000-00000000c001', 900001, 1),
                         ('00000000-0000-4000-8000-00000000c001', 900001, 5)$$,
  'ratings 1 and 5 are accepted');

-- Customers: erasure clears identifiers, consent needs its time, unique email.
SELECT throws_ok($$INSERT INTO venue.customers (organization_id, email, erased_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'gone@example.com', '2024-06-01 12:00+00')$$,
  '23514', NULL, 'erased customer who still has an email is rejected');
SELECT lives_ok($$INSERT INTO venue.customers (organization_id, erased_at)
                  VALUES ('00000000-0000-4000-8000-00000000c001', '2024-06-01 12:00+00')$$,
  'erased customer without identifiers is accepted');
SELECT throws_ok($$INSERT INTO venue.customers (organization_id, first_name, marketing_consent)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Bo', true)$$,
  '23514', NULL, 'consent without a given-at time is rejected');
SELECT throws_ok($$INSERT INTO venue.customers (organization_id, first_name, marketing_consent,
                                                marketing_consent_given_at, marketing_consent_withdrawn_at)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'Cy', false,
                           '2024-06-01 12:00+00', '2024-05-01 12:00+00')$$,
  '23514', NULL, 'consent withdrawn before it was given is rejected');
SELECT throws_ok($$INSERT INTO venue.customers (organization_id, email)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'ADA@Example.com')$$,
  '23505', NULL, 'same email in another case within an organization is rejected');
SELECT throws_ok($$INSERT INTO venue.customers (organization_id, email)
                   VALUES ('00000000-0000-4000-8000-00000000c001', 'not-an-email')$$,
  '23514', NULL, 'email without @ and domain is rejected');

SELECT * FROM finish();
ROLLBACK;
