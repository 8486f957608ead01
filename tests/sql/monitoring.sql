-- The monitoring views in api, on a hand-made history written relative to
-- now() (fixed for the transaction): job attempts with known durations and
-- outcomes, reports with known generation and render times and files,
-- queues with known depths, deliveries with known bounces. Every expected
-- figure is worked out by hand in the comments. Organization A holds the
-- history under test; B a little of everything, which A's users must not see.
BEGIN;
SELECT plan(33);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a0078', 'Mon A', 'mon-a'),
  ('00000000-0000-4000-8000-0000000b0078', 'Mon B', 'mon-b');
CREATE FUNCTION pg_temp.a() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000a0078'::uuid $$;
CREATE FUNCTION pg_temp.b() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000b0078'::uuid $$;
CREATE FUNCTION pg_temp.t(uuid, text) RETURNS bigint LANGUAGE sql AS $$
  SELECT template_id FROM reporting.report_templates WHERE organization_id = $1 AND template_key = $2 AND status = 'active' $$;

-- Jobs: j1 and j2 of A (type sql), jb of B.
INSERT INTO reporting.scheduled_jobs (organization_id, name, job_type, cron_expression, timezone, payload) VALUES
  (pg_temp.a(), 'mon-j1', 'sql', '0 3 * * *', 'Europe/London', '{"sql": "SELECT 1"}'),
  (pg_temp.a(), 'mon-j2', 'sql', '0 4 * * *', 'Europe/London', '{"sql": "SELECT 2"}'),
  (pg_temp.b(), 'mon-jb', 'sql', '0 5 * * *', 'Europe/London', '{"sql": "SELECT 3"}');
CREATE FUNCTION pg_temp.j(text) RETURNS bigint LANGUAGE sql AS $$
  SELECT job_id FROM reporting.scheduled_jobs WHERE name = $1 $$;

-- Finished attempts, one run each (finished how long ago, duration, outcome):
--   j1: 10 min 100 ms ok | 20 min 200 ms ok | 30 min 300 ms ok | 40 min 400 ms 22023
--       5 h 500 ms ok    | 6 h 600 ms timed out (57014)       | 2 days 700 ms 22023
--   j2: 15 min 50 ms 22023 ("j2 broke")
--   jb: 5 min 10 ms 42P01
CREATE TEMP TABLE attempts (job text, ago interval, ms integer, status text, sqlstate text, message text);
INSERT INTO attempts VALUES
  ('mon-j1', '10 minutes', 100, 'succeeded', NULL, NULL),
  ('mon-j1', '20 minutes', 200, 'succeeded', NULL, NULL),
  ('mon-j1', '30 minutes', 300, 'succeeded', NULL, NULL),
  ('mon-j1', '40 minutes', 400, 'failed', '22023', 'j1 broke'),
  ('mon-j1', '5 hours', 500, 'succeeded', NULL, NULL),
  ('mon-j1', '6 hours', 600, 'timed_out', '57014', 'timed out'),
  ('mon-j1', '2 days', 700, 'failed', '22023', 'j1 broke long ago'),
  ('mon-j2', '15 minutes', 50, 'failed', '22023', 'j2 broke'),
  ('mon-jb', '5 minutes', 10, 'failed', '42P01', 'b broke');
WITH runs AS (
  INSERT INTO reporting.job_runs (job_id, organization_id, scheduled_for, status, job_type, run_after, attempt)
  SELECT pg_temp.j(x.job), j.organization_id, now() - x.ago - interval '1 minute',
         CASE WHEN x.status = 'succeeded' THEN 'succeeded' ELSE 'failed' END, 'sql',
         now() - x.ago - interval '1 minute', 1
    FROM attempts x JOIN reporting.scheduled_jobs j ON j.job_id = pg_temp.j(x.job)
  RETURNING run_id, job_id, organization_id, scheduled_for
)
INSERT INTO reporting.job_execution_history
  (run_id, job_id, organization_id, attempt, worker, status, started_at, finished_at, sqlstate, message)
SELECT r.run_id, r.job_id, r.organization_id, 1, 'w-old', x.status,
       now() - x.ago - make_interval(secs => x.ms / 1000.0), now() - x.ago, x.sqlstate, x.message
  FROM runs r JOIN attempts x ON pg_temp.j(x.job) = r.job_id AND r.scheduled_for = now() - x.ago - interval '1 minute';

-- The job queue of A: two queued (one due now, one in an hour), one running
-- on worker w1 (lease for another minute), one waiting.
INSERT INTO reporting.job_runs (job_id, organization_id, scheduled_for, status, job_type, run_after,
                                worker, started_at, heartbeat_at, lease_expires_at, timeout_at, attempt) VALUES
  (pg_temp.j('mon-j1'), pg_temp.a(), now() - interval '2 minutes', 'queued', 'sql', now() - interval '2 minutes', NULL, NULL, NULL, NULL, NULL, 0),
  (pg_temp.j('mon-j1'), pg_temp.a(), now() + interval '1 hour', 'queued', 'sql', now() + interval '1 hour', NULL, NULL, NULL, NULL, NULL, 0),
  (pg_temp.j('mon-j2'), pg_temp.a(), now() - interval '3 minutes', 'running', 'sql', now() - interval '3 minutes',
   'w1', now() - interval '1 minute', now() - interval '10 seconds', now() + interval '1 minute', now() + interval '29 minutes', 1),
  (pg_temp.j('mon-j2'), pg_temp.a(), now() - interval '4 minutes', 'waiting', 'sql', now() - interval '4 minutes', NULL, NULL, NULL, NULL, NULL, 0);

-- Reports of A (daily_summary), completed now: generation 10, 20, 30, 40, 50 ms;
-- rendered in 100, 200, 300, 400 ms in total (the fifth has no render time);
-- files of 1000 + 500, 2000, 3000 and 4000 bytes; snapshots of 100 bytes each.
-- Also one completed 7 days ago (last week, in the 30 days), one failed now,
-- one data_ready (waiting for a renderer) and one rendering on r1.
INSERT INTO reporting.report_generation_history
  (organization_id, generation_id, template_id, template_key, template_version, period_start, period_end, timezone,
   formats, status, request_key, requested_by, snapshot, snapshot_bytes, generation_ms, render_ms, files,
   requested_at, completed_at, failed_at, error_message, render_worker, heartbeat_at, lease_expires_at, render_started_at)
OVERRIDING SYSTEM VALUE VALUES
  (pg_temp.a(), 780001, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-01', '2026-01-01', 'Europe/London',
   '{pdf,html}', 'completed', 'k1', 'test', '{}', 100, 10, '{"pdf": 80, "total": 100}',
   '[{"format": "pdf", "bytes": 1000}, {"format": "html", "bytes": 500}]', now(), now(), NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780002, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-02', '2026-01-02', 'Europe/London',
   '{pdf}', 'completed', 'k2', 'test', '{}', 100, 20, '{"total": 200}', '[{"format": "pdf", "bytes": 2000}]',
   now(), now(), NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780003, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-03', '2026-01-03', 'Europe/London',
   '{pdf}', 'completed', 'k3', 'test', '{}', 100, 30, '{"total": 300}', '[{"format": "pdf", "bytes": 3000}]',
   now(), now(), NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780004, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-04', '2026-01-04', 'Europe/London',
   '{pdf}', 'completed', 'k4', 'test', '{}', 100, 40, '{"total": 400}', '[{"format": "pdf", "bytes": 4000}]',
   now(), now(), NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780005, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-05', '2026-01-05', 'Europe/London',
   '{json}', 'completed', 'k5', 'test', '{}', 100, 50, '{}', '[]',
   now(), now(), NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780006, pg_temp.t(pg_temp.a(), 'weekly_summary'), 'weekly_summary', 1, '2026-01-05', '2026-01-11', 'Europe/London',
   '{pdf}', 'completed', 'k6', 'test', '{}', NULL, NULL, '{}', '[]',
   now() - interval '7 days', now() - interval '7 days', NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780007, pg_temp.t(pg_temp.a(), 'weekly_summary'), 'weekly_summary', 1, '2026-01-12', '2026-01-18', 'Europe/London',
   '{pdf}', 'failed', 'k7', 'test', NULL, NULL, NULL, '{}', '[]',
   now(), NULL, now(), 'it broke', NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780008, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-06', '2026-01-06', 'Europe/London',
   '{pdf}', 'data_ready', 'k8', 'test', '{}', NULL, NULL, '{}', '[]',
   now() - interval '5 minutes', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (pg_temp.a(), 780009, pg_temp.t(pg_temp.a(), 'daily_summary'), 'daily_summary', 1, '2026-01-07', '2026-01-07', 'Europe/London',
   '{pdf}', 'rendering', 'k9', 'test', '{}', NULL, NULL, '{}', '[]',
   now() - interval '6 minutes', NULL, NULL, NULL, 'r1', now(), now() + interval '2 minutes', now() - interval '1 minute'),
  (pg_temp.b(), 780101, pg_temp.t(pg_temp.b(), 'daily_summary'), 'daily_summary', 1, '2026-01-01', '2026-01-01', 'Europe/London',
   '{pdf}', 'completed', 'kb', 'test', '{}', 999999, 5, '{"total": 5}', '[{"format": "pdf", "bytes": 999999}]',
   now(), now(), NULL, NULL, NULL, NULL, NULL, NULL);

-- Recipients of A: r1 and r2 subscribe to daily_summary, r3 is paused. Report
-- 780001 went to r1 and r2, 780002 to r1 (r3's skipped). Deliveries also fill the queue: one
-- queued and due, one sending on d1 whose lease has run out.
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role) VALUES
  (pg_temp.a(), 780001, 'R1', 'r1@a.example', 'manager'),
  (pg_temp.a(), 780002, 'R2', 'r2@a.example', 'manager'),
  (pg_temp.a(), 780003, 'R3', 'r3@a.example', 'manager'),
  (pg_temp.b(), 780101, 'RB', 'rb@b.example', 'manager');
INSERT INTO reporting.report_subscriptions (organization_id, recipient_id, template_id, is_paused, paused_at) VALUES
  (pg_temp.a(), 780001, pg_temp.t(pg_temp.a(), 'daily_summary'), false, NULL),
  (pg_temp.a(), 780002, pg_temp.t(pg_temp.a(), 'daily_summary'), false, NULL),
  (pg_temp.a(), 780003, pg_temp.t(pg_temp.a(), 'daily_summary'), true, now());
INSERT INTO reporting.report_delivery_history
  (organization_id, generation_id, recipient_id, channel, status, message_id, sent_at, delivered_at, skip_reason,
   next_attempt_at, worker, lease_expires_at, sending_at, queued_at) VALUES
  (pg_temp.a(), 780001, 780001, 'email', 'delivered', 'm1', now(), now(), NULL, NULL, NULL, NULL, NULL, now()),
  (pg_temp.a(), 780001, 780002, 'email', 'delivered', 'm2', now(), now(), NULL, NULL, NULL, NULL, NULL, now()),
  (pg_temp.a(), 780002, 780001, 'email', 'opened', 'm3', now(), now(), NULL, NULL, NULL, NULL, NULL, now()),
  (pg_temp.a(), 780002, 780003, 'email', 'skipped', 'm4', NULL, NULL, 'paused', NULL, NULL, NULL, NULL, now()),
  (pg_temp.a(), 780003, 780001, 'email', 'queued', 'm5', NULL, NULL, NULL, now() - interval '1 minute', NULL, NULL, NULL, now() - interval '2 minutes'),
  (pg_temp.a(), 780003, 780002, 'email', 'sending', 'm6', NULL, NULL, NULL, NULL, 'd1', now() - interval '1 minute', now() - interval '3 minutes', now() - interval '3 minutes');

-- Bounces of B: 20 emails sent in the last day (18 delivered, 1 bounced,
-- 1 complained: 2 / 20 = 0.10), 10 more delivered 10 days ago (2 / 30 =
-- 0.0667 over 30 days); a queued one and a failed one are not counted.
INSERT INTO reporting.report_delivery_history
  (organization_id, generation_id, recipient_id, channel, status, message_id, sent_at, queued_at, next_attempt_at, failed_at)
SELECT pg_temp.b(), 780101, 780101, 'email',
       CASE g WHEN 1 THEN 'bounced' WHEN 2 THEN 'complained' ELSE 'delivered' END,
       'mb' || g, CASE WHEN g <= 20 THEN now() - interval '1 hour' ELSE now() - interval '10 days' END, now() - interval '10 days',
       NULL::timestamptz, NULL::timestamptz
  FROM generate_series(1, 30) g
UNION ALL SELECT pg_temp.b(), 780101, 780101, 'email', 'queued', 'mbq', NULL, now(), now() + interval '1 hour', NULL
UNION ALL SELECT pg_temp.b(), 780101, 780101, 'email', 'failed', 'mbf', NULL, now(), NULL, now();

-- Missed runs of A: j2's next occurrence is 10 minutes overdue; a missed_run
-- alert event lists two occurrences of j1.
UPDATE reporting.scheduled_jobs SET next_run_at = now() - interval '10 minutes' WHERE job_id = pg_temp.j('mon-j2');
INSERT INTO reporting.job_alerts (organization_id, job_id, name, alert_type) VALUES
  (pg_temp.a(), pg_temp.j('mon-j1'), 'missed j1', 'missed_run');
INSERT INTO reporting.job_alert_events (alert_id, job_id, organization_id, alert_type, message, details, last_seen_at)
SELECT alert_id, job_id, organization_id, 'missed_run', 'j1 missed two', 
       '{"missed": ["2026-01-01T03:00Z", "2026-01-02T03:00Z"]}', now() - interval '1 hour'
  FROM reporting.job_alerts WHERE name = 'missed j1';

-- Queue depth.
SELECT set_eq(
  $$SELECT queue, kind, status, depth, due FROM api.queue_depth WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('job', 'sql', 'queued', 2::bigint, 1::bigint), ('job', 'sql', 'running', 1, 0), ('job', 'sql', 'waiting', 1, 0),
           ('render', 'daily_summary', 'data_ready', 1, 1), ('render', 'daily_summary', 'rendering', 1, 0),
           ('delivery', 'email', 'queued', 1, 1), ('delivery', 'email', 'sending', 1, 0)$$,
  'queue depth per queue, kind and status, with what is due now');
SELECT is((SELECT oldest_at FROM api.queue_depth WHERE organization_id = pg_temp.a() AND queue = 'render' AND status = 'data_ready'),
  now() - interval '5 minutes', 'the oldest waiting report');

-- Leases.
SELECT set_eq(
  $$SELECT queue, worker, leases, expired FROM api.active_leases WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('job', 'w1', 1::bigint, 0::bigint), ('render', 'r1', 1, 0), ('delivery', 'd1', 1, 1)$$,
  'one lease per worker; the delivery worker''s has run out');
SELECT is((SELECT last_heartbeat_at FROM api.active_leases WHERE worker = 'w1'), now() - interval '10 seconds',
  'the job worker''s last heartbeat');

-- Render attempts of A's daily summaries: 780001 failed 10 min ago, then
-- succeeded 5 min ago; 780002 succeeded 3 h ago, and a later attempt was
-- released 2 min ago by a stopping daemon (not counted); 780003 lost its
-- lease 2 days ago (out of the day).
INSERT INTO reporting.report_render_attempts
  (organization_id, generation_id, attempt, worker, status, started_at, finished_at, error_message) VALUES
  (pg_temp.a(), 780001, 1, 'r0', 'failed', now() - interval '11 minutes', now() - interval '10 minutes', 'WeasyPrint broke'),
  (pg_temp.a(), 780001, 2, 'r0', 'succeeded', now() - interval '6 minutes', now() - interval '5 minutes', NULL),
  (pg_temp.a(), 780002, 1, 'r0', 'succeeded', now() - interval '181 minutes', now() - interval '3 hours', NULL),
  (pg_temp.a(), 780002, 2, 'r0', 'released', now() - interval '3 minutes', now() - interval '2 minutes', NULL),
  (pg_temp.a(), 780003, 1, 'r0', 'lease_expired', now() - interval '2 days 1 minute', now() - interval '2 days', NULL);

-- Success rates of A's sql jobs: last hour j1 3 ok + 1 failed, j2 1 failed:
-- 5 attempts, 3 ok (0.6); last day also j1's 5 h ok and 6 h time-out: 7, 4 ok.
-- Renders: last hour 780001's two (1 ok: 0.5); last day also 780002's
-- first: 3, 2 ok (0.6667). The released one and the one 2 days ago: none.
SELECT set_eq(
  $$SELECT period, queue, kind, attempts, succeeded, failed, success_rate, failure_rate
      FROM api.success_rates WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('1 hour', 'job', 'sql', 5::bigint, 3::bigint, 2::bigint, 0.6000, 0.4000),
           ('1 day', 'job', 'sql', 7, 4, 3, 0.5714, 0.4286),
           ('1 hour', 'render', 'daily_summary', 2, 1, 1, 0.5000, 0.5000),
           ('1 day', 'render', 'daily_summary', 3, 2, 1, 0.6667, 0.3333)$$,
  'success and failure rates of jobs and renders over the last hour and day');

-- Failures by SQLSTATE: last hour 22023 twice (j1 at 40 min, j2 at 15 min,
-- the latest message j2's); last day also 57014 once; 2 days ago is out.
SELECT set_eq(
  $$SELECT period, job_type, sqlstate, failures, jobs, last_message
      FROM api.failures_by_sqlstate WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('1 hour', 'sql', '22023', 2::bigint, 2::bigint, 'j2 broke'),
           ('1 day', 'sql', '22023', 2, 2, 'j2 broke'),
           ('1 day', 'sql', '57014', 1, 1, 'timed out')$$,
  'failures grouped by SQLSTATE');
SELECT is((SELECT last_failed_at FROM api.failures_by_sqlstate
            WHERE organization_id = pg_temp.a() AND period = '1 day' AND sqlstate = '57014'),
  now() - interval '6 hours', 'when the latest of them failed');

-- Job durations (percentile_cont over 100, 200, ..., 700 ms: p50 = 400;
-- p95 at rank 0.95 * 6 = 5.7: 600 + 0.7 * 100 = 670; p99 at 5.94: 694).
SELECT is((SELECT format('%s %s %s %s %s %s', attempts, succeeded, p50_ms, p95_ms, p99_ms, max_ms)
             FROM api.job_duration_percentiles WHERE job_id = pg_temp.j('mon-j1')),
  '7 4 400.000 670.000 694.000 700.000', 'j1: p50 / p95 / p99 / max of its attempts');
SELECT is((SELECT format('%s %s %s', job_name, attempts, p99_ms) FROM api.job_duration_percentiles WHERE job_id = pg_temp.j('mon-j2')),
  'mon-j2 1 50.000', 'j2: one attempt is every percentile');

-- Report durations: generation 10..50 ms: p50 30, p95 at 3.8: 40 + 8 = 48,
-- p99 at 3.96: 49.6; render 100..400: p50 at 1.5: 250, p95 at 2.85: 385, p99 at 2.97: 397.
SELECT is((SELECT format('%s %s %s %s | %s %s %s %s', generations, generation_p50_ms, generation_p95_ms, generation_p99_ms,
                         renders, render_p50_ms, render_p95_ms, render_p99_ms)
             FROM api.report_duration_percentiles WHERE organization_id = pg_temp.a() AND template_key = 'daily_summary'),
  '5 30.000 48.000 49.600 | 4 250.000 385.000 397.000', 'daily_summary: generation and render percentiles');
SELECT is((SELECT count(*) FROM api.report_duration_percentiles WHERE organization_id = pg_temp.a() AND template_key = 'weekly_summary'),
  0::bigint, 'reports with no recorded times are no sample');

-- Reports executed: 5 completed and 1 failed now (today, this week); the one
-- 7 days ago was last week.
SELECT is((SELECT format('%s %s %s %s', completed_today, failed_today, completed_this_week, failed_this_week)
             FROM api.reports_executed WHERE organization_id = pg_temp.a()),
  '5 1 5 1', 'reports completed and failed today and this week');
SELECT is((SELECT completed_today FROM api.reports_executed WHERE organization_id = pg_temp.b()), 1::bigint,
  'per organization');
-- The week's edge, on the report's clock: organization C has a report that
-- finished one minute into this Monday in Auckland (13 hours ahead of UTC in
-- November, 12 in June: on UTC's clock both are still Sunday) and one a
-- minute before it: one this week, the other last week. (Today, a Monday in
-- Auckland, the first is also today's.)
INSERT INTO venue.organizations (organization_id, name, slug) VALUES ('00000000-0000-4000-8000-0000000c0078', 'Mon C', 'mon-c');
INSERT INTO reporting.report_generation_history
  (organization_id, template_id, template_key, template_version, period_start, period_end, timezone,
   formats, status, request_key, requested_by, snapshot, requested_at, completed_at)
SELECT '00000000-0000-4000-8000-0000000c0078',
       pg_temp.t('00000000-0000-4000-8000-0000000c0078', 'daily_summary'), 'daily_summary', 1, d, d, 'Pacific/Auckland',
       '{pdf}', 'completed', 'kc' || d, 'test', '{}', at, at
  FROM (SELECT (date_trunc('week', now() AT TIME ZONE 'Pacific/Auckland') + m * interval '1 minute') AT TIME ZONE 'Pacific/Auckland' AS at,
               (date_trunc('week', now() AT TIME ZONE 'Pacific/Auckland') + m * interval '1 minute')::date AS d
          FROM (VALUES (1), (-1)) AS v(m)) x;
SELECT is((SELECT format('%s %s', completed_this_week, completed_today)
             FROM api.reports_executed WHERE organization_id = '00000000-0000-4000-8000-0000000c0078'),
  CASE WHEN extract(isodow FROM now() AT TIME ZONE 'Pacific/Auckland') = 1 THEN '1 1' ELSE '1 0' END,
  'this week starts on Monday at midnight on the report''s clock');

-- Template use over 30 days: daily_summary 7 reports (5 completed), weekly 2 (1 completed).
SELECT set_eq(
  $$SELECT template_key, reports_30d, completed_30d, subscriptions, usage_rank
      FROM api.template_usage WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('daily_summary', 7::bigint, 5::bigint, 2::bigint, 1::bigint), ('weekly_summary', 2, 1, 0, 2),
           ('event_performance', 0, 0, 0, 3), ('customer_insights', 0, 0, 0, 3)$$,
  'templates ranked by use');
-- A weekly summary asked for 6 more times and served from the cache: 2 + 6 = 8
-- uses, more than the daily summary's 7, so it ranks first.
UPDATE reporting.report_generation_history SET cache_hits = 6 WHERE generation_id = 780006;
SELECT results_eq(
  $$SELECT template_key, cache_hits_30d, usage_rank
      FROM api.template_usage WHERE organization_id = pg_temp.a() AND template_key IN ('daily_summary', 'weekly_summary')
     ORDER BY usage_rank$$,
  $$VALUES ('weekly_summary', 6::bigint, 1::bigint), ('daily_summary', 0, 2)$$,
  'cache hits count as uses');

-- Recipients per report: 2 subscribers (r3 paused); over 5 completed daily
-- reports 2 + 1 + 2 (780003's queued and sending deliveries) + 0 + 0 = 5
-- recipients, 1.00 on average, 2 at most.
SELECT is((SELECT format('%s %s %s %s %s', subscribers, reports_30d, recipients_30d, average_recipients, most_recipients)
             FROM api.recipients_per_report WHERE organization_id = pg_temp.a() AND template_key = 'daily_summary'),
  '2 5 5 1.00 2', 'daily_summary: subscribers and recipients per report');
SELECT is((SELECT format('%s %s %s %s', subscribers, reports_30d, recipients_30d, average_recipients)
             FROM api.recipients_per_report WHERE organization_id = pg_temp.a() AND template_key = 'weekly_summary'),
  '0 1 0 0.00', 'weekly_summary: a report sent to nobody');

-- Storage: files 1000 + 500 + 2000 + 3000 + 4000 = 10,500 bytes in 5 files;
-- snapshots 5 x 100 = 500; 9 report rows.
SELECT is((SELECT format('%s %s %s %s %s', reports, files, file_bytes, snapshot_bytes, total_bytes)
             FROM api.storage_by_organization WHERE organization_id = pg_temp.a()),
  '9 5 10500 500 11000', 'storage used by A''s reports');

-- Bounce rates of B.
SELECT set_eq(
  $$SELECT period, emails, bounced, complained, bounce_rate FROM api.bounce_rates WHERE organization_id = pg_temp.b()$$,
  $$VALUES ('1 day', 20::bigint, 1::bigint, 1::bigint, 0.1000), ('30 days', 30, 1, 1, 0.0667)$$,
  'bounce rate over the last day and 30 days');
SELECT set_eq(
  $$SELECT period, emails, bounced FROM api.bounce_rates WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('1 day', 3::bigint, 0::bigint), ('30 days', 3, 0)$$,
  'A: three emails sent, none bounced (queued, sending and skipped are not counted)');

-- Missed runs.
SELECT set_eq(
  $$SELECT job_name, scheduled_for, source FROM api.missed_runs_recent WHERE organization_id = pg_temp.a()$$,
  $$VALUES ('mon-j2', now() - interval '10 minutes', 'overdue'),
           ('mon-j1', '2026-01-01 03:00+00'::timestamptz, 'alert'), ('mon-j1', '2026-01-02 03:00+00', 'alert')$$,
  'missed runs: the overdue occurrence and those a missed-run alert listed');

-- Every view: security_invoker, commented, readable by the three client roles that may read history.
SELECT is(
  (SELECT array_agg(c.relname::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
      AND NOT (coalesce(c.reloptions, '{}') @> '{security_invoker=true}')),
  NULL, 'every api view is security_invoker');
SELECT is(
  (SELECT array_agg(c.relname::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
      AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''),
  NULL, 'every api view has a COMMENT');
SELECT is(
  (SELECT array_agg(c.relname::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
      AND NOT (has_table_privilege('nightcap_admin', c.oid, 'SELECT')
               AND has_table_privilege('nightcap_manager', c.oid, 'SELECT')
               AND has_table_privilege('nightcap_auditor', c.oid, 'SELECT')
               AND NOT has_table_privilege('nightcap_staff', c.oid, 'SELECT'))),
  NULL, 'admins, managers and auditors may read every api view; staff none');

-- Through row-level security: users of A see A only.
CREATE FUNCTION pg_temp.u(text) RETURNS uuid LANGUAGE sql AS $$
  SELECT ('00000000-0000-4000-8000-00000000' || $1 || '78')::uuid $$;
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  (pg_temp.a(), pg_temp.u('a2'), 'manager'),
  (pg_temp.a(), pg_temp.u('a4'), 'auditor'),
  (pg_temp.a(), pg_temp.u('a3'), 'staff'),
  (pg_temp.b(), pg_temp.u('b2'), 'manager');
\ir include/as_user.psql
GRANT EXECUTE ON FUNCTION pg_temp.u(text), pg_temp.a(), pg_temp.b()
  TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;

SELECT is(pg_temp.as_user('nightcap_auditor', 'a4',
  $$SELECT string_agg(DISTINCT organization_id::text, ',') FROM api.storage_by_organization$$),
  '00000000-0000-4000-8000-0000000a0078', 'an auditor of A sees A''s storage only');
SELECT is(pg_temp.as_user('nightcap_auditor', 'a4',
  $$SELECT sum(failures) FILTER (WHERE period = '1 hour') FROM api.failures_by_sqlstate$$),
  '2', 'and A''s failures only (not B''s 42P01)');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2',
  $$SELECT sum(depth) FROM api.queue_depth$$), '8', 'a manager of A sees A''s queues');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2',
  $$SELECT count(*) FROM api.bounce_rates$$), '2', 'and A''s bounce rates only');
SELECT is(pg_temp.as_user('nightcap_manager', 'b2',
  $$SELECT string_agg(template_key || ':' || generations, ',') FROM api.report_duration_percentiles$$),
  'daily_summary:1', 'a manager of B sees B''s report times only');
SELECT is(pg_temp.as_user('nightcap_manager', 'b2',
  $$SELECT count(*) FROM api.missed_runs_recent$$), '0', 'and none of A''s missed runs');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_staff', 'a3', $$SELECT count(*) FROM api.queue_depth$$)$t$, '42501', NULL,
  'staff may not read the monitoring views (42501)');
SELECT is(pg_temp.as_user('nightcap_auditor', 'a4',
  $$SELECT count(*) FROM api.active_leases$$), '3', 'an auditor of A sees A''s three leases');

SELECT * FROM finish();
ROLLBACK;
