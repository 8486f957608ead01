-- api.generate_demo_data: bad input is rejected by SQLSTATE; a generated week looks right.
BEGIN;
SELECT plan(23);

SELECT api.create_organization('Test Club', 'test-club') AS org \gset
SELECT api.create_organization('Empty Org', 'empty-org') AS empty_org \gset
SELECT api.create_venue(:'org', 'Test Room', 'test-room', 500) AS venue \gset

-- Bad input: the SQLSTATE says what kind of mistake it is.
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, 0, 10, 1)', :'org'),
  '22023', NULL, 'zero days is rejected');
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, -5, 10, 1)', :'org'),
  '22023', NULL, 'negative days are rejected');
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, 7, -1, 1)', :'org'),
  '22023', NULL, 'negative bookings per night are rejected');
SELECT throws_ok('SELECT api.generate_demo_data(''00000000-0000-0000-0000-000000000000'', 7, 10, 1)',
  'P0002', NULL, 'an unknown organization is not found');
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, 7, 10, NULL)', :'org'),
  '22004', NULL, 'a NULL seed is refused');
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, NULL, 10, 1)', :'org'),
  '22004', NULL, 'NULL days are refused');
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, 7, 10, 1)', :'empty_org'),
  '55000', NULL, 'an organization without venues cannot be generated');

-- One week, Monday 2026-03-02 to Sunday 2026-03-08: the club's programme is
-- Thursday NOSTALGIA, Friday LA FIESTA, Saturday SHHH!.
-- (The caller's own statistics target, which the generator lowers for its
-- ANALYZEs and must give back.)
SET LOCAL default_statistics_target = 250;
SELECT api.generate_demo_data(:'org', 7, 40, 42, '2026-03-08') AS counts \gset
SELECT results_eq(
  format($$SELECT series, (starts_at AT TIME ZONE 'Europe/London')::text
             FROM venue.events WHERE organization_id = %L ORDER BY starts_at$$, :'org'),
  $$VALUES ('NOSTALGIA', '2026-03-05 22:30:00'), ('LA FIESTA', '2026-03-06 22:00:00'),
           ('SHHH!', '2026-03-07 22:00:00')$$,
  'three nights, on the programme''s days and local start times');
SELECT is((SELECT count(*) FROM venue.events
            WHERE organization_id = :'org' AND (ends_at AT TIME ZONE 'Europe/London')::time = '04:00'),
  3::bigint, 'every night ends at 04:00 local, after midnight');
SELECT is((:'counts'::jsonb ->> 'bookings')::bigint,
  (SELECT count(*) FROM venue.bookings WHERE organization_id = :'org'),
  'the returned counts match the rows written');
SELECT is((SELECT count(*) FROM venue.bookings b JOIN venue.events e USING (organization_id, event_id)
            WHERE b.organization_id = :'org'
              AND internal.business_date(b.arrives_at, 'Europe/London', '06:00')
               <> internal.business_date(e.starts_at, 'Europe/London', '06:00')),
  0::bigint, 'every booking arrives on its night''s trading day');
SELECT ok((SELECT count(*) FROM venue.check_ins
            WHERE organization_id = :'org' AND (occurred_at AT TIME ZONE 'Europe/London')::time < '06:00') > 0,
  'some check-ins and check-outs happen after midnight');
SELECT is((SELECT count(*) FROM venue.payments r
             JOIN venue.payments d ON d.organization_id = r.organization_id AND d.payment_id = r.refund_of_payment_id
            WHERE r.organization_id = :'org' AND r.kind = 'refund' AND (r.amount <> d.amount OR r.booking_id <> d.booking_id OR r.paid_at <= d.paid_at)),
  0::bigint, 'every refund repays its own payment, in full, after it');
SELECT is((SELECT count(*) FROM venue.payments r JOIN venue.bookings b USING (organization_id, booking_id)
            WHERE r.organization_id = :'org' AND r.kind = 'refund' AND b.status <> 'cancelled'),
  0::bigint, 'only cancelled bookings are refunded');
SELECT is((SELECT count(*) FROM venue.bookings
            WHERE organization_id = :'org' AND status IN ('completed', 'no_show') AND arrives_at > now()),
  0::bigint, 'nothing in the future is completed or a no-show');

-- The generator skips the reference checks only while it writes its own rows:
-- afterwards, in the same transaction, a dangling reference is refused again.
SELECT is(current_setting('nightcap.skip_reference_checks', true), 'off',
  'the generator turns the reference-check skip off before it returns');
SELECT is(current_setting('default_statistics_target'), '250',
  'the generator gives the caller''s statistics target back');
SELECT throws_ok(format($$INSERT INTO venue.payments (organization_id, venue_id, booking_id, kind, amount, provider, paid_at)
                          VALUES (%L, %s, -1, 'bar', 10, 'cash', '2026-03-06 23:00+00')$$, :'org', :'venue'),
  '23503', NULL, 'after the generator, a payment for a booking that does not exist is refused');

-- The skip is honoured only for the tables' owner (who could disable the
-- triggers anyway): any other writer that sets it is still checked, here an
-- admin of the organization writing through row-level security.
CREATE ROLE nightcap_test_loader IN ROLE nightcap_admin;
GRANT EXECUTE ON FUNCTION internal.parse_reference_spec(text) TO nightcap_test_loader;
INSERT INTO venue.memberships (organization_id, user_id, role)
VALUES (:'org', '00000000-0000-4000-8000-0000000000a1', 'admin');
DO $$
BEGIN
  SET LOCAL nightcap.skip_reference_checks = on;
  SET LOCAL nightcap.user_id = '00000000-0000-4000-8000-0000000000a1';
  SET LOCAL ROLE nightcap_test_loader;
  BEGIN
    INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, kind, amount, provider, paid_at)
    SELECT organization_id, -1, venue_id, -1, 'bar', 10, 'cash', '2026-03-06 23:00+00'
      FROM venue.venues WHERE slug = 'test-room';
    PERFORM set_config('nightcap_test.outcome', 'inserted', true);
  EXCEPTION WHEN foreign_key_violation THEN
    PERFORM set_config('nightcap_test.outcome', 'refused', true);
  END;
  RESET ROLE;
  SET LOCAL nightcap.skip_reference_checks = off;
  SET LOCAL nightcap.user_id = '';
END
$$;
SELECT is(current_setting('nightcap_test.outcome'), 'refused',
  'a writer that does not own the table cannot skip the reference checks');

-- Spring forward (Sunday 2026-03-29) and fall back (Sunday 2026-10-25): the
-- Saturday nights run 22:00 to 04:00 local, 5 and 7 hours of real time.
SELECT api.generate_demo_data(:'org', 1, 5, 42, '2026-03-28') IS NOT NULL AS spring \gset
SELECT api.generate_demo_data(:'org', 1, 5, 42, '2026-10-24') IS NOT NULL AS autumn \gset
SELECT is((SELECT ends_at - starts_at FROM venue.events
            WHERE organization_id = :'org' AND starts_at::date = '2026-03-28'),
  interval '5 hours', 'the night of the spring change lasts 5 hours');
SELECT is((SELECT ends_at - starts_at FROM venue.events
            WHERE organization_id = :'org' AND starts_at::date = '2026-10-24'),
  interval '7 hours', 'the night of the autumn change lasts 7 hours');

-- A period that already has nights is refused rather than doubled.
SELECT throws_ok(format('SELECT api.generate_demo_data(%L, 3, 10, 42, ''2026-03-07'')', :'org'),
  '55000', NULL, 'regenerating a period that has nights is refused');

-- Determinism: a second organization with the same seed gets the same week.
SELECT api.create_organization('Twin Club', 'twin-club') AS twin \gset
SELECT api.create_venue(:'twin', 'Twin Room', 'twin-room', 500) AS twin_venue \gset
SELECT api.generate_demo_data(:'twin', 7, 40, 42, '2026-03-08') IS NOT NULL AS twin_done \gset
SELECT results_eq(
  format($$SELECT p.kind, p.amount, p.status, p.provider, p.paid_at
             FROM venue.payments p JOIN venue.events e USING (organization_id, event_id)
            WHERE p.organization_id = %L AND e.starts_at < '2026-03-09'
            ORDER BY p.paid_at, p.kind, p.amount$$, :'org'),
  format($$SELECT p.kind, p.amount, p.status, p.provider, p.paid_at
             FROM venue.payments p
            WHERE p.organization_id = %L ORDER BY p.paid_at, p.kind, p.amount$$, :'twin'),
  'the same seed gives the same payments');

SELECT * FROM finish();
ROLLBACK;
