-- Partitioned facts (migration 0026): venue.payments and venue.check_ins by
-- UTC month, the DEFAULT partition, internal.ensure_fact_partitions (the
-- create_fact_partitions job) and api.detach_fact_partitions. Months in 2019
-- are used: nothing else in the database has facts then.
BEGIN;
SELECT plan(24);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000f001', 'Partition Test', 'test-partitions');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000f001', 910101, 'P One', 'p-one', 200);
CREATE FUNCTION pg_temp.o() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-00000000f001'::uuid $$;

SELECT is((SELECT c.relkind::text || ' ' || pg_get_partkeydef(c.oid) FROM pg_class c WHERE c.oid = 'venue.payments'::regclass),
  'p RANGE (paid_at)', 'venue.payments is partitioned by range of paid_at');
SELECT is((SELECT c.relkind::text || ' ' || pg_get_partkeydef(c.oid) FROM pg_class c WHERE c.oid = 'venue.check_ins'::regclass),
  'p RANGE (occurred_at)', 'venue.check_ins is partitioned by range of occurred_at');
SELECT col_is_pk('venue', 'payments', ARRAY['organization_id', 'payment_id', 'paid_at'],
  'the payments key leads with organization_id and carries the partition key');
SELECT col_is_pk('venue', 'check_ins', ARRAY['organization_id', 'check_in_id', 'occurred_at'],
  'the check-ins key leads with organization_id and carries the partition key');
SELECT is((SELECT array_agg(indexname::text ORDER BY 1) FROM pg_indexes
            WHERE schemaname = 'venue' AND tablename IN ('payments', 'check_ins') AND indexdef ~ 'USING brin'),
  ARRAY['check_ins_occurred_brin', 'payments_paid_brin'], 'BRIN on the time column of both');

-- A month with no partition: rows go to the DEFAULT partition, through the
-- parent's triggers (reference checks, aggregation queue) as ever.
INSERT INTO venue.payments (organization_id, payment_id, venue_id, kind, amount, provider, paid_at) VALUES
  (pg_temp.o(), 910101, 910101, 'bar', 10, 'cash', '2019-03-31 23:30+00'),
  (pg_temp.o(), 910102, 910101, 'bar', 20, 'cash', '2019-04-01 00:30+00');
INSERT INTO venue.check_ins (organization_id, check_in_id, venue_id, direction, method, people, occurred_at) VALUES
  (pg_temp.o(), 910101, 910101, 'in', 'door', 2, '2019-03-15 22:00+00');
SELECT is((SELECT array_agg(tableoid::regclass::text ORDER BY payment_id) FROM venue.payments WHERE organization_id = pg_temp.o()),
  ARRAY['venue.payments_default', 'venue.payments_default'], 'payments of months without a partition land in the default');
SELECT ok(EXISTS (SELECT 1 FROM internal.aggregation_queue WHERE organization_id = pg_temp.o()),
  'the parent''s statement triggers fire for rows routed to a partition');
SELECT throws_ok($$INSERT INTO venue.payments (organization_id, venue_id, kind, amount, provider, paid_at)
                   VALUES (pg_temp.o(), 999999, 'bar', 1, 'cash', '2019-03-01 12:00+00')$$,
  '23503', NULL, 'the reference checks still refuse an unknown venue');

-- Making the months moves their rows out of the default.
SELECT is(internal.ensure_fact_partitions('2019-03-10', '2019-04-02'), 4,
  'March and April 2019 of both tables: four partitions made');
SELECT is((SELECT array_agg(tableoid::regclass::text ORDER BY payment_id) FROM venue.payments WHERE organization_id = pg_temp.o()),
  ARRAY['venue.payments_p2019_03', 'venue.payments_p2019_04'], 'each payment moved to its UTC month');
SELECT is((SELECT tableoid::regclass::text FROM venue.check_ins WHERE organization_id = pg_temp.o()),
  'venue.check_ins_p2019_03', 'the check-in moved to its month');
SELECT is((SELECT sum(amount) FROM venue.payments WHERE organization_id = pg_temp.o()), 30.00::numeric,
  'the parent still reads both payments');
SELECT is(internal.ensure_fact_partitions('2019-03-01', '2019-04-30'), 0, 'run again, nothing to make');
SELECT is((SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.oid = 'venue.payments_p2019_03'::regclass),
  $$FOR VALUES FROM ('2019-03-01 00:00:00+00') TO ('2019-04-01 00:00:00+00')$$, 'bounds are the UTC month');

-- Each partition is a closed tenant table: the owner's, RLS forced, no grants.
SELECT is((SELECT pg_get_userbyid(relowner)::text || ' ' || relrowsecurity || ' ' || relforcerowsecurity
             FROM pg_class WHERE oid = 'venue.payments_p2019_03'::regclass),
  'nightcap_owner true true', 'a new partition is the owner''s, with row-level security enabled and forced');
SELECT policies_are('venue', 'payments_p2019_03', ARRAY['owner_all'], 'a partition has the owner''s policy only');
SELECT is((SELECT count(*)::int FROM unnest(ARRAY['nightcap_admin', 'nightcap_manager', 'nightcap_staff', 'nightcap_auditor', 'nightcap_renderer']) r
            WHERE has_table_privilege(r, 'venue.payments_p2019_03', 'SELECT')), 0,
  'no client role may read a partition directly (clients go through the parent and its policies)');
SELECT ok(obj_description('venue.check_ins_p2019_04'::regclass, 'pg_class') ~ 'Partition of venue.check_ins',
  'a partition says what it is');

-- Detaching for retention.
SELECT throws_ok($$SELECT * FROM api.detach_fact_partitions(NULL)$$, '22004', NULL, 'detach without a date: 22004');
SELECT throws_ok($$SELECT * FROM api.detach_fact_partitions(current_date + 40)$$, '22023', NULL,
  'detaching this month''s facts is refused: 22023');
SELECT results_eq($$SELECT fact_table, archived_as, month_start, rows_kept
                      FROM api.detach_fact_partitions('2019-04-01') ORDER BY 1$$,
  $$VALUES ('venue.check_ins', 'archive.check_ins_p2019_03', date '2019-03-01', 1::bigint),
           ('venue.payments', 'archive.payments_p2019_03', date '2019-03-01', 1::bigint)$$,
  'March 2019 (ending on 1 April) is detached into the archive schema, April stays');
SELECT is((SELECT sum(amount) FROM venue.payments WHERE organization_id = pg_temp.o()), 20.00::numeric,
  'the detached month is no longer read through venue.payments');
SELECT is((SELECT sum(amount) FROM archive.payments_p2019_03), 10.00::numeric,
  'detaching is not dropping: the month''s rows are kept in archive');
SELECT is((SELECT count(*)::int FROM audit.events WHERE event = 'fact_partition.detached'
            AND object_id IN ('archive.payments_p2019_03', 'archive.check_ins_p2019_03')), 2,
  'each detach is in the audit log');

SELECT * FROM finish();
ROLLBACK;
