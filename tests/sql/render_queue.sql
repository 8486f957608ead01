-- The render queue: api.claim_reports, heartbeat, complete, fail, release, and
-- leases that expire when a renderer dies. Reports are generated on a
-- hand-made night; only the queue's bookkeeping is checked here (rendering
-- itself is tested with the daemon in pytest).
BEGIN;
SELECT plan(25);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a0901', 'Render Org', 'render-org');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000a0901', 950001, 'Main', 'main', 100);
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date, gross_revenue, net_revenue, check_ins, bookings_total)
VALUES ('00000000-0000-4000-8000-0000000a0901', 950001, '2026-05-01', 1000, 1000, 50, 10);
-- Nothing else waits to be rendered in this transaction.
UPDATE reporting.report_generation_history SET status = 'completed', files = '[]' WHERE status IN ('data_ready', 'rendering');

CREATE TEMP TABLE r AS
SELECT api.generate_report('daily_summary', '00000000-0000-4000-8000-0000000a0901', '2026-05-01', '2026-05-01', '{}', '{pdf}', 'low') AS low,
       api.generate_report('daily_summary', '00000000-0000-4000-8000-0000000a0901', '2026-04-30', '2026-05-01', '{}', '{pdf}', 'normal') AS normal,
       api.generate_report('weekly_summary', '00000000-0000-4000-8000-0000000a0901', '2026-04-27', '2026-05-03', '{}', '{pdf,csv}', 'critical') AS critical;
CREATE FUNCTION pg_temp.state(p_id bigint) RETURNS text LANGUAGE sql AS $$
  SELECT (status, render_worker, render_attempts)::text FROM reporting.report_generation_history WHERE generation_id = p_id $$;

SELECT results_eq(
  $$SELECT generation_id, attempt, organization_slug, formats::text FROM api.claim_reports('d1', 2, '30 seconds')$$,
  $$SELECT critical, 1, 'render-org', '{csv,pdf}' FROM r UNION ALL SELECT normal, 1, 'render-org', '{pdf}' FROM r$$,
  'a claim takes the critical report first, then the normal one: the limit is 2');
SELECT is(pg_temp.state((SELECT critical FROM r)), '(rendering,d1,1)', 'the claimed report is rendering by d1, attempt 1');
SELECT is((SELECT count(*) FROM api.claim_reports('d2', 5)), 1::bigint, 'a second daemon gets only what is left: the low one');
SELECT is((SELECT count(*) FROM api.claim_reports('d3', 5)), 0::bigint, '... and a third nothing');
SELECT is((SELECT (status, worker)::text FROM reporting.report_render_attempts WHERE generation_id = (SELECT low FROM r)),
  '(running,d2)', 'each claim records an attempt');

-- Only the holder may heartbeat, complete, fail or release.
SELECT throws_ok($$SELECT api.heartbeat_report((SELECT critical FROM r), 'd2')$$, '55000', NULL,
  'another daemon cannot renew the lease: 55000');
SELECT throws_ok($$SELECT api.complete_report((SELECT critical FROM r), 'd2', '[]')$$, '55000', NULL,
  '... nor complete it: 55000');
SELECT throws_ok($$SELECT api.heartbeat_report(-1, 'd1')$$, 'P0002', NULL, 'an unknown report: P0002');
SELECT ok(api.heartbeat_report((SELECT critical FROM r), 'd1', '2 minutes') > now() + interval '100 seconds',
  'the holder renews its lease');

-- Completing checks the files against the formats asked for.
SELECT throws_ok($$SELECT api.complete_report((SELECT critical FROM r), 'd1',
  '[{"format": "pdf", "uri": "file:///a.pdf", "bytes": 10, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "pages": 2}]')$$,
  '22023', NULL, 'the csv it asked for is missing: 22023');
SELECT throws_ok($$SELECT api.complete_report((SELECT critical FROM r), 'd1',
  '[{"format": "pdf", "uri": "file:///a.pdf", "bytes": 10, "sha256": "not-a-hash"}, {"format": "csv", "uri": "file:///a.csv", "bytes": 5, "sha256": "bb"}]')$$,
  '22023', NULL, 'a file without a proper sha256: 22023');
SELECT lives_ok($$SELECT api.complete_report((SELECT critical FROM r), 'd1',
  '[{"format": "pdf", "uri": "file:///a.pdf", "bytes": 10, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "pages": 2},
    {"format": "csv", "uri": "file:///a.zip", "bytes": 5, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "pages": null}]',
  '{"pdf": 120.5, "csv": 3.2}', 51200)$$, 'the holder completes it with its files');
SELECT is((SELECT (status, jsonb_array_length(files), render_ms ->> 'pdf', peak_memory_kb, completed_at IS NOT NULL)::text
             FROM reporting.report_generation_history WHERE generation_id = (SELECT critical FROM r)),
  '(completed,2,120.5,51200,t)', 'completed, with files, durations and peak memory');
SELECT is((SELECT status FROM reporting.report_render_attempts WHERE generation_id = (SELECT critical FROM r)), 'succeeded',
  'its attempt succeeded');

-- A failed attempt waits the back-off; the last one fails the report for good.
SELECT is(api.fail_report((SELECT normal FROM r), 'd1', 'TemplateError: no block "tiles"'), 'data_ready',
  'a first failure queues the report again');
SELECT ok((SELECT render_after > clock_timestamp() + interval '50 seconds' AND render_after < clock_timestamp() + interval '2 minutes'
             FROM reporting.report_generation_history WHERE generation_id = (SELECT normal FROM r)),
  '... after about a minute (1 minute plus up to 10%)');
SELECT is((SELECT count(*) FROM api.claim_reports('d1', 5)), 0::bigint, 'during the back-off nobody claims it');
UPDATE reporting.report_generation_history SET render_after = now() - interval '1 second', max_render_attempts = 2
 WHERE generation_id = (SELECT normal FROM r);
SELECT is((SELECT attempt FROM api.claim_reports('d1', 5)), 2, 'after it, attempt 2 is claimed');
SELECT is(api.fail_report((SELECT normal FROM r), 'd1', 'OSError: [Errno 28] No space left on device'), 'failed',
  'the last attempt failing fails the report for good');
SELECT is((SELECT (status, error_message)::text FROM reporting.report_generation_history WHERE generation_id = (SELECT normal FROM r)),
  '(failed,"OSError: [Errno 28] No space left on device")', '... with the message');

-- A released report goes back at once, its attempt not counted; an expired lease is taken back.
SELECT lives_ok($$SELECT api.release_report((SELECT low FROM r), 'd2')$$, 'a stopping daemon releases its report');
SELECT is((SELECT (status, render_attempts, max_render_attempts)::text FROM reporting.report_generation_history WHERE generation_id = (SELECT low FROM r)),
  '(data_ready,1,4)', '... back in the queue, the released attempt not counted against it');
SELECT is((SELECT attempt FROM api.claim_reports('d4', 5, '1 second')), 2, 'the next daemon claims it as attempt 2');
UPDATE reporting.report_generation_history SET lease_expires_at = clock_timestamp() - interval '1 second'
 WHERE generation_id = (SELECT low FROM r);
SELECT is((SELECT (generation_id, attempt)::text FROM api.claim_reports('d5', 5)), (SELECT (low, 3)::text FROM r),
  'd4 died: its lease expired, and d5''s claim takes the report back as attempt 3');
SELECT results_eq(
  $$SELECT attempt, worker, status FROM reporting.report_render_attempts WHERE generation_id = (SELECT low FROM r) ORDER BY attempt$$,
  $$VALUES (1, 'd2', 'released'), (2, 'd4', 'lease_expired'), (3, 'd5', 'running')$$,
  'every attempt left its row: released, lease expired, running');

SELECT * FROM finish();
ROLLBACK;
