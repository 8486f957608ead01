-- Set-based foreign keys (statement triggers in db/triggers/venue/, functions
-- internal.tg_check_references / internal.tg_check_referencing_rows) on
-- bookings, payments, check_ins and feedback: 23503 like a declared FOREIGN
-- KEY, within the row's organization. Then the input checks of
-- api.create_organization and api.create_venue.
BEGIN;
SELECT plan(51);

-- Fixture. Organization A (…a001): venues 900101 and 900102, an event at each,
-- customer 900101, staff 900101, booking 900101 (referenced by deposit
-- 900101, a check-in and feedback) and booking 900102 (unreferenced).
-- Organization B (…b001): venue 900201, customer 900201, booking 900201.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000a001', 'Ref Test A', 'test-refs-a'),
  ('00000000-0000-4000-8000-00000000b001', 'Ref Test B', 'test-refs-b');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 'A One', 'a-one', 200),
  ('00000000-0000-4000-8000-00000000a001', 900102, 'A Two', 'a-two', 200),
  ('00000000-0000-4000-8000-00000000b001', 900201, 'B One', 'b-one', 200);
INSERT INTO venue.events (organization_id, event_id, venue_id, name, starts_at, ends_at) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 'Night at A One', '2024-06-01 22:00+00', '2024-06-02 04:00+00'),
  ('00000000-0000-4000-8000-00000000a001', 900102, 900102, 'Night at A Two', '2024-06-01 22:00+00', '2024-06-02 04:00+00');
INSERT INTO venue.customers (organization_id, customer_id, first_name) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 'Ann'),
  ('00000000-0000-4000-8000-00000000b001', 900201, 'Ben');
INSERT INTO venue.staff (organization_id, staff_id, venue_id, full_name, role) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 'Sam Host', 'host');
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, event_id, customer_id, staff_id, party_size, arrives_at) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 900101, 900101, 900101, 4, '2024-06-01 23:00+00'),
  ('00000000-0000-4000-8000-00000000a001', 900102, 900101, 900101, 900101, NULL, 2, '2024-06-01 23:30+00'),
  ('00000000-0000-4000-8000-00000000b001', 900201, 900201, NULL, 900201, NULL, 2, '2024-06-01 23:00+00');
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, kind, amount, provider, paid_at) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 900101, 'deposit', 40, 'stripe', '2024-05-20 12:00+00');
INSERT INTO venue.check_ins (organization_id, check_in_id, venue_id, event_id, booking_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 900101, 900101, 'in', 'qr', 4, '2024-06-01 23:05+00');
INSERT INTO venue.feedback (organization_id, feedback_id, venue_id, event_id, booking_id, rating) VALUES
  ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 900101, 900101, 5);

-- Fixture sanity: organization A has two bookings.
SELECT is((SELECT count(*)::int FROM venue.bookings WHERE organization_id = '00000000-0000-4000-8000-00000000a001'),
          2, 'organization A starts with two bookings');

-- Inserts referring to rows that do not exist.
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 'deposit', 10, 'cash', '2024-05-20 12:00+00')$$,
  '23503', NULL, 'payment for a booking that does not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 999999, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking at a venue that does not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, event_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900102, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking whose event is at another venue is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, staff_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking by staff who do not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, table_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking of a table that does not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, booking_id, direction, method, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 'in', 'qr', '2024-06-01 23:00+00')$$,
  '23503', NULL, 'check-in for a booking that does not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, event_id, direction, method, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900102, 900101, 'in', 'door', '2024-06-01 23:00+00')$$,
  '23503', NULL, 'check-in whose event is at another venue is rejected');
SELECT throws_ok($$INSERT INTO venue.feedback (organization_id, venue_id, event_id, rating)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900102, 4)$$,
  '23503', NULL, 'feedback whose event is at another venue is rejected');
SELECT throws_ok($$INSERT INTO venue.feedback (organization_id, venue_id, customer_id, rating)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 4)$$,
  '23503', NULL, 'feedback from a customer who does not exist is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, refund_of_payment_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 'refund', 10, 'stripe', '2024-05-25 12:00+00')$$,
  '23503', NULL, 'refund of a payment that does not exist is rejected');

-- Tenancy: ids that exist only in organization B are missing for organization A.
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, customer_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900201, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking for another organization''s customer is rejected');
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900201, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'booking at another organization''s venue is rejected');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900201, 'deposit', 10, 'cash', '2024-05-20 12:00+00')$$,
  '23503', NULL, 'payment for another organization''s booking is rejected');
SELECT throws_ok($$INSERT INTO venue.check_ins (organization_id, venue_id, customer_id, direction, method, occurred_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900201, 'in', 'qr', '2024-06-01 23:00+00')$$,
  '23503', NULL, 'check-in of another organization''s customer is rejected');
SELECT throws_ok($$INSERT INTO venue.feedback (organization_id, venue_id, booking_id, rating)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900201, 3)$$,
  '23503', NULL, 'feedback on another organization''s booking is rejected');

-- Valid references, and NULL references (not checked, like MATCH SIMPLE), go in.
SELECT lives_ok($$INSERT INTO venue.bookings (organization_id, booking_id, venue_id, event_id, customer_id, party_size, arrives_at)
                  VALUES ('00000000-0000-4000-8000-00000000a001', 900103, 900102, 900102, 900101, 3, '2024-06-01 23:00+00'),
                         ('00000000-0000-4000-8000-00000000a001', 900104, 900102, NULL, NULL, 3, '2024-06-01 23:00+00')$$,
  'bookings with valid and with NULL references are accepted');
SELECT lives_ok($$INSERT INTO venue.feedback (organization_id, venue_id, event_id, booking_id, customer_id, rating)
                  VALUES ('00000000-0000-4000-8000-00000000a001', 900102, 900102, 900103, 900101, 4)$$,
  'feedback with valid references is accepted');

-- A multi-row INSERT with one bad row inserts nothing.
SELECT throws_ok($$INSERT INTO venue.bookings (organization_id, venue_id, event_id, party_size, arrives_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 2, '2024-06-01 23:00+00'),
                          ('00000000-0000-4000-8000-00000000a001', 900101, 999999, 2, '2024-06-01 23:00+00'),
                          ('00000000-0000-4000-8000-00000000a001', 900102, 900102, 2, '2024-06-01 23:00+00')$$,
  '23503', NULL, 'multi-row booking insert with one missing event is rejected');
SELECT is((SELECT count(*)::int FROM venue.bookings WHERE organization_id = '00000000-0000-4000-8000-00000000a001'),
          4, 'the rejected multi-row insert left no bookings behind (2 fixture + 2 valid)');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, kind, amount, provider, paid_at)
                   VALUES ('00000000-0000-4000-8000-00000000a001', 900101, 900101, 'table', 100, 'square', '2024-06-01 23:40+00'),
                          ('00000000-0000-4000-8000-00000000a001', 900101, 900201, 'table', 100, 'square', '2024-06-01 23:41+00')$$,
  '23503', NULL, 'multi-row payment insert with one other-organization booking is rejected');
SELECT is((SELECT count(*)::int FROM venue.payments WHERE organization_id = '00000000-0000-4000-8000-00000000a001'),
          1, 'the rejected multi-row payment insert left only the fixture deposit');

-- UPDATEs that re-point to missing rows are rejected; valid re-pointing works.
SELECT throws_ok($$UPDATE venue.payments SET booking_id = 999999
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND payment_id = 900101$$,
  '23503', NULL, 'payment re-pointed to a missing booking is rejected');
SELECT throws_ok($$UPDATE venue.bookings SET event_id = 900102
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900102$$,
  '23503', NULL, 'booking re-pointed to an event at another venue is rejected');
SELECT throws_ok($$UPDATE venue.check_ins SET customer_id = 900201
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND check_in_id = 900101$$,
  '23503', NULL, 'check-in re-pointed to another organization''s customer is rejected');
SELECT throws_ok($$UPDATE venue.feedback SET booking_id = 999999
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND feedback_id = 900101$$,
  '23503', NULL, 'feedback re-pointed to a missing booking is rejected');
SELECT lives_ok($$UPDATE venue.bookings SET venue_id = 900102, event_id = 900102
                  WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900102$$,
  'booking moved to another venue together with that venue''s event is accepted');

-- Deleting parents that fact rows still refer to is rejected.
SELECT throws_ok($$DELETE FROM venue.bookings
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900101$$,
  '23503', NULL, 'deleting a booking that payments refer to is rejected');
SELECT is((SELECT count(*)::int FROM venue.bookings
            WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900101),
          1, 'the referenced booking is still there');
SELECT lives_ok($$DELETE FROM venue.bookings
                  WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900102$$,
  'deleting an unreferenced booking works');
SELECT is((SELECT count(*)::int FROM venue.bookings
            WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900102),
          0, 'the unreferenced booking is gone');
SELECT throws_ok($$DELETE FROM venue.customers
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND customer_id = 900101$$,
  '23503', NULL, 'deleting a customer that bookings refer to is rejected');
SELECT throws_ok($$DELETE FROM venue.events
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND event_id = 900101$$,
  '23503', NULL, 'deleting an event that bookings refer to is rejected');
SELECT throws_ok($$DELETE FROM venue.staff
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND staff_id = 900101$$,
  '23503', NULL, 'deleting staff that bookings refer to is rejected');

-- Changing a referenced key is rejected like a delete; other updates are not.
SELECT throws_ok($$UPDATE venue.bookings SET booking_id = 900199
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900101$$,
  '23503', NULL, 'changing the key of a booking that payments refer to is rejected');
SELECT throws_ok($$UPDATE venue.venues SET venue_id = 900199
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND venue_id = 900102$$,
  '23503', NULL, 'changing the key of a venue that facts refer to is rejected');
SELECT lives_ok($$UPDATE venue.bookings SET status = 'completed'
                  WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND booking_id = 900101$$,
  'a status change of a referenced booking is accepted');

-- A refund referring to a deposit inserted in the same statement works;
-- the refunded deposit can then not be deleted.
SELECT lives_ok($$INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, refund_of_payment_id, kind, amount, provider, paid_at)
                  VALUES ('00000000-0000-4000-8000-00000000a001', 900110, 900101, 900101, NULL, 'deposit', 30, 'stripe', '2024-05-21 12:00+00'),
                         ('00000000-0000-4000-8000-00000000a001', 900111, 900101, 900101, 900110, 'refund', 30, 'stripe', '2024-05-22 12:00+00')$$,
  'refund of a deposit inserted in the same statement is accepted');
SELECT throws_ok($$DELETE FROM venue.payments
                   WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND payment_id = 900110$$,
  '23503', NULL, 'deleting a deposit that a refund refers to is rejected');
SELECT lives_ok($$DELETE FROM venue.payments
                  WHERE organization_id = '00000000-0000-4000-8000-00000000a001' AND payment_id IN (900110, 900111)$$,
  'deleting a refund together with the deposit it refunds works');

-- api.create_organization: bad input.
SELECT throws_ok($$SELECT api.create_organization('Bad Slug Ltd', 'Bad Slug!')$$,
  '22023', NULL, 'create_organization rejects a bad slug with 22023');
SELECT throws_ok($$SELECT api.create_organization('Copy of A', 'test-refs-a')$$,
  '23505', NULL, 'create_organization rejects a duplicate slug with 23505');
SELECT throws_ok($$SELECT api.create_organization(NULL, 'test-refs-no-name')$$,
  '22004', NULL, 'create_organization rejects a NULL name with 22004');
SELECT throws_ok($$SELECT api.create_organization('Euro Club', 'test-refs-euro', 'euro')$$,
  '22023', NULL, 'create_organization rejects a bad currency with 22023');

-- api.create_venue: bad input.
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000a001', 'Moon Bar', 'moon-bar', 100, 'Moon/Crater')$$,
  '22023', NULL, 'create_venue rejects an unknown time zone with 22023');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000ffff', 'Ghost Bar', 'ghost-bar', 100)$$,
  'P0002', NULL, 'create_venue rejects an unknown organization with P0002');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000a001', NULL, 'nameless', 100)$$,
  '22004', NULL, 'create_venue rejects a NULL name with 22004');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000a001', 'A One Again', 'a-one', 100)$$,
  '23505', NULL, 'create_venue rejects a duplicate slug with 23505');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000a001', 'Bad Slug', 'Bad_Slug', 100)$$,
  '22023', NULL, 'create_venue rejects a bad slug with 22023');
SELECT throws_ok($$SELECT api.create_venue('00000000-0000-4000-8000-00000000a001', 'Empty', 'empty', 0)$$,
  '22023', NULL, 'create_venue rejects capacity 0 with 22023');

-- api.create_venue: a venue slug is unique per organization, so B may reuse A's.
SELECT isnt(api.create_venue('00000000-0000-4000-8000-00000000b001', 'B Copy', 'a-one', 150, 'Europe/Dublin'),
            NULL, 'create_venue accepts organization A''s slug in organization B');

SELECT * FROM finish();
ROLLBACK;
