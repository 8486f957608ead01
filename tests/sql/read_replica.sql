-- Reading report snapshots elsewhere (a hot standby) and storing them on the
-- primary: api.compute_report_snapshot writes nothing (it runs in a
-- read-only transaction, as on a standby), api.store_report_snapshot stores
-- it with generate_report's checks, skips and read_from, and the report
-- run functions the scheduler uses in place of api.work. The end-to-end
-- test with a real standby is tests/test_read_replica.py.
BEGIN;
SELECT plan(19);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000ee901', 'Replica Org', 'replica-org');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000ee901', 975001, 'Main', 'main', 100);
CREATE FUNCTION pg_temp.org() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000ee901'::uuid $$;
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, deposits, bar_revenue,
  table_revenue, ticket_revenue, check_ins, bookings_total, bookings_completed, covers) VALUES
  (pg_temp.org(), 975001, '2026-05-01', 20000, 1000, 19000, 2000, 12000, 5000, 1000, 400, 100, 90, 300);
SELECT api.prepare_report_read(pg_temp.org());

-- The read half, in a read-only transaction as on a standby (in a
-- savepoint, which takes the read-only mode back when rolled back to).
SAVEPOINT on_standby;
SET TRANSACTION READ ONLY;
SELECT is((api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01')
             -> 'summary' ->> 'gross_revenue')::numeric, 20000::numeric,
  'compute_report_snapshot reads the day''s gross revenue in a read-only transaction');
SELECT is((SELECT count(*) FROM reporting.report_generation_history WHERE organization_id = pg_temp.org()), 0::bigint,
  'computing stores nothing');
SELECT throws_ok($$SELECT api.prepare_report_read(pg_temp.org())$$, '25006', NULL,
  'a read-only transaction refuses prepare_report_read (it may write)');
ROLLBACK TO SAVEPOINT on_standby;

SELECT throws_ok($$SELECT api.compute_report_snapshot('nope', pg_temp.org(), '2026-05-01', '2026-05-01')$$,
  'P0002', NULL, 'compute_report_snapshot: an unknown template is P0002');
SELECT throws_ok($$SELECT api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-02', '2026-05-01')$$,
  '22023', NULL, 'compute_report_snapshot: a period ending before it starts is 22023');
SELECT throws_ok($$SELECT api.compute_report_snapshot('daily_summary', NULL, '2026-05-01', '2026-05-01')$$,
  '22004', NULL, 'compute_report_snapshot: no organization is 22004');

-- The write half: what was read is stored as it was read, with where.
CREATE TEMP TABLE stored AS
SELECT api.store_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', NULL, 'high', NULL, NULL,
         api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01')
           || '{"read_from": {"source": "standby", "reason": null}}') AS id;
SELECT results_eq(
  $$SELECT status, priority, read_from, snapshot -> 'read_from' ->> 'source', (summary ->> 'gross_revenue')::numeric, data_rows > 0
      FROM reporting.report_generation_history h JOIN stored s ON s.id = h.generation_id$$,
  $$VALUES ('data_ready', 'high', 'standby', 'standby', 20000::numeric, true)$$,
  'store_report_snapshot stores the snapshot as data_ready, read_from standby in the row and the snapshot');
SELECT is(api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01'), (SELECT id FROM stored),
  'a stored read is a snapshot like any other: the same request within the cache time reuses it');
SELECT isnt((SELECT read_from FROM reporting.report_generation_history
              WHERE generation_id = (SELECT internal.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01',
                                                                     '{}', NULL, 'normal', NULL, NULL, false))),
  'standby', 'a report the database generates itself has no read_from');

SELECT throws_ok($$SELECT api.store_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', NULL, 'normal', NULL, NULL, NULL)$$,
  '22004', NULL, 'store_report_snapshot: no snapshot is 22004');
SELECT throws_ok($$SELECT api.store_report_snapshot('daily_summary', pg_temp.org(), '2026-05-02', '2026-05-02', '{}', NULL, 'normal', NULL, NULL,
                     api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01'))$$,
  '22023', NULL, 'store_report_snapshot: a snapshot of another period is 22023');
SELECT throws_ok($$SELECT api.store_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', NULL, 'normal', NULL, NULL,
                     jsonb_set(api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01'),
                               '{report,version}', '99'))$$,
  '55000', NULL, 'store_report_snapshot: a snapshot of a template version no longer active is 55000');
SELECT throws_ok($$SELECT api.store_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', NULL, 'normal', NULL, NULL,
                     api.compute_report_snapshot('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01')
                       || '{"read_from": {"source": "elsewhere"}}')$$,
  '22023', NULL, 'store_report_snapshot: read_from.source other than primary or standby is 22023');

-- A report run worked outside api.work: claimed, its requests, completed.
INSERT INTO reporting.scheduled_jobs (organization_id, name, job_type, cron_expression, timezone, payload)
VALUES (pg_temp.org(), 'replica daily', 'report', '0 9 * * *', 'Europe/London',
        '{"task": "generate_report", "template_key": "daily_summary"}');
SELECT api.enqueue_run((SELECT job_id FROM reporting.scheduled_jobs WHERE name = 'replica daily'), '2026-05-02 09:00Z');
SELECT is((SELECT count(*) FROM api.work(5, '{aggregation,maintenance,sql}')), 0::bigint,
  'api.work without report among its kinds leaves the report run queued');
SELECT throws_ok($$SELECT * FROM api.work(5, '{reports}')$$, '22023', NULL, 'api.work: an unknown job type is 22023');
CREATE TEMP TABLE claimed AS SELECT * FROM api.claim_jobs('replica-test', '{report}', 1, '1 minute');
SELECT throws_ok($$SELECT * FROM api.report_run_requests((SELECT run_id FROM claimed), 'someone-else')$$, '55000', NULL,
  'report_run_requests: a run held by another worker is 55000');
SELECT results_eq(
  $$SELECT template_key, organization_id, period_start, period_end, filters, job_id = (SELECT job_id FROM claimed), run_id = (SELECT run_id FROM claimed)
      FROM api.report_run_requests((SELECT run_id FROM claimed), 'replica-test')$$,
  $$VALUES ('daily_summary', pg_temp.org(), date '2026-05-01', date '2026-05-01', '{}'::jsonb, true, true)$$,
  'report_run_requests: the run of 09:00 on Saturday 2 May reports Friday 1 May, as api.work would');
SELECT api.complete_report_run((SELECT run_id FROM claimed), 'replica-test', 1, '{"generation_ids": [1]}');
SELECT results_eq(
  $$SELECT status, result ->> 'task', result ->> 'rows_processed' FROM reporting.job_runs WHERE run_id = (SELECT run_id FROM claimed)$$,
  $$VALUES ('succeeded', 'generate_report', '1')$$,
  'complete_report_run ends the run as succeeded with what it generated');
SELECT throws_ok($$SELECT * FROM api.report_run_requests(-1, 'replica-test')$$, 'P0002', NULL,
  'report_run_requests: no such run is P0002');

SELECT * FROM finish();
ROLLBACK;
