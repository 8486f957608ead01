-- api.missed_runs and the missed_run alerts of internal.check_missed_runs.
-- Expected instants are worked out by hand and written in UTC (Z). London is
-- on GMT until 29 Mar 2026 01:00Z (01:00-02:00 local does not exist that
-- day), on BST (UTC+1) until 25 Oct 2026 01:00Z (01:00-02:00 local happens
-- twice that day), then on GMT again. Test jobs carry explicit created_at and
-- updated_at, since missed runs count from a job's creation or last edit.
BEGIN;
SELECT plan(30);

-- pg_cron's ticker and worker run in the test database too: the seeded system
-- jobs are switched off (and so locked against the ticker) and the runs it
-- queued cancelled, until the rollback.
UPDATE reporting.scheduled_jobs SET enabled = false WHERE organization_id IS NULL AND enabled;
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued', 'running');

CREATE FUNCTION pg_temp.job(p_name text) RETURNS bigint LANGUAGE sql
AS $$ SELECT job_id FROM reporting.scheduled_jobs WHERE name = p_name $$;
CREATE FUNCTION pg_temp.add_runs(p_name text, p_at timestamptz[]) RETURNS void LANGUAGE sql
AS $$ SELECT api.enqueue_run(pg_temp.job(p_name), a) FROM unnest(p_at) a $$;

INSERT INTO reporting.scheduled_jobs
  (name, job_type, cron_expression, timezone, enabled, created_at, updated_at) VALUES
  ('mr_spring',   'report', '30 1 * * *', 'Europe/London', true,  '2026-03-27 00:00Z', '2026-03-27 00:00Z'),
  ('mr_fall_15',  'report', '15 * * * *', 'Europe/London', true,  '2026-10-24 23:00Z', '2026-10-24 23:00Z'),
  ('mr_fall_130', 'report', '30 1 * * *', 'Europe/London', true,  '2026-10-24 00:00Z', '2026-10-24 00:00Z'),
  ('mr_hourly',   'report', '0 * * * *',  'UTC',           true,  '2026-06-01 10:15Z', '2026-06-01 10:15Z'),
  ('mr_edited',   'report', '0 * * * *',  'UTC',           true,  '2026-05-01 00:00Z', '2026-06-01 12:30Z'),
  ('mr_off',      'report', '0 * * * *',  'UTC',           false, '2026-05-01 00:00Z', '2026-05-01 00:00Z'),
  ('mr_paris',    'report', '* * * * *',  'Europe/Paris',  true,  '2026-05-01 00:00Z', '2026-05-01 00:00Z');
SELECT pg_temp.add_runs('mr_spring', '{2026-03-27 01:30Z,2026-03-30 00:30Z}');
SELECT pg_temp.add_runs('mr_hourly', '{2026-06-01 11:00Z,2026-06-01 13:00Z}');

-- The spring change: 01:30 on 29 March does not exist in London and runs at
-- 01:30Z (02:30 BST); the next night's 01:30 BST is 00:30Z.
SELECT results_eq(
  $$SELECT name, scheduled_for FROM api.missed_runs('2026-03-27 00:00Z', '2026-03-31 00:00Z')$$,
  $$VALUES ('mr_spring', '2026-03-28 01:30Z'::timestamptz), ('mr_spring', '2026-03-29 01:30Z')$$,
  '30 1 * * * London over the spring change: the runs of 28 Mar (01:30 GMT) and 29 Mar (01:30Z, the gap) are missed; 27 and 30 Mar ran');

-- The autumn change: 01:15 happens twice (00:15Z BST, 01:15Z GMT); 01:30 runs once.
SELECT results_eq(
  $$SELECT name, scheduled_for FROM api.missed_runs('2026-10-25 00:00Z', '2026-10-25 02:00Z') WHERE name LIKE 'mr_fall%'$$,
  $$VALUES ('mr_fall_15', '2026-10-25 00:15Z'::timestamptz), ('mr_fall_15', '2026-10-25 01:15Z'),
           ('mr_fall_130', '2026-10-25 00:30Z')$$,
  'the fall-back night: 15 * * * * misses both 01:15s, 30 1 * * * only its one 01:30 (BST)');
SELECT results_eq(
  $$SELECT scheduled_for FROM api.missed_runs('2026-10-24 12:00Z', '2026-10-26 12:00Z') WHERE name = 'mr_fall_130'$$,
  $$VALUES ('2026-10-25 00:30Z'::timestamptz), ('2026-10-26 01:30Z')$$,
  '30 1 * * * London: 01:30 BST on the 25th, 01:30 GMT on the 26th');

-- Creation, edits, the ledger and the window's ends.
SELECT results_eq(
  $$SELECT name, scheduled_for FROM api.missed_runs('2026-06-01 09:00Z', '2026-06-01 14:00Z')
     WHERE name IN ('mr_hourly', 'mr_edited', 'mr_off')$$,
  $$VALUES ('mr_hourly', '2026-06-01 12:00Z'::timestamptz), ('mr_hourly', '2026-06-01 14:00Z'),
           ('mr_edited', '2026-06-01 13:00Z'), ('mr_edited', '2026-06-01 14:00Z')$$,
  'hourly jobs 09:00-14:00Z: mr_hourly from its creation at 10:15 (11:00 and 13:00 ran, 14:00 = p_to counts), mr_edited from its edit at 12:30, mr_off (disabled) never');
SELECT results_eq(
  $$SELECT name, scheduled_for FROM api.missed_runs('2026-06-01 12:00Z', '2026-06-01 14:00Z') WHERE name = 'mr_hourly'$$,
  $$VALUES ('mr_hourly', '2026-06-01 14:00Z'::timestamptz)$$,
  'the window is (p_from, p_to]: 12:00 itself is not in (12:00, 14:00]');
SELECT is((SELECT count(*) FROM api.missed_runs('2026-06-01 12:00Z', '2026-06-01 12:00Z')), 0::bigint,
  'an empty window (p_from = p_to) lists nothing');
SELECT is(
  (SELECT (m.job_id = pg_temp.job('mr_hourly'), m.organization_id IS NULL)::text
     FROM api.missed_runs('2026-06-01 13:30Z', '2026-06-01 14:00Z') m WHERE m.name = 'mr_hourly'),
  '(t,t)', 'a row names the job by id and name, and its organization (NULL: a system job)');

-- Never later than now().
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, created_at, updated_at)
VALUES ('mr_now', 'report', '* * * * *', 'UTC', now() - interval '3 minutes', now() - interval '3 minutes');
SELECT is(
  (SELECT (count(*), max(scheduled_for) <= now())::text
     FROM api.missed_runs(now() - interval '1 hour', now() + interval '1 day') WHERE name = 'mr_now'),
  '(3,t)', 'a minutely job created 3 minutes ago: 3 missed minutes, none after now() though the window reaches a day ahead');

-- The bound: at most 10,080 occurrences (a minutely week) per schedule.
SELECT is(
  (SELECT count(*) FROM api.missed_runs('2026-06-01 00:00Z', '2026-06-08 00:00Z') WHERE name = 'mr_paris'),
  10080::bigint, 'a minutely job over exactly a week: 10,080 missed minutes, at the bound');
SELECT throws_ok(
  $$SELECT * FROM api.missed_runs('2026-06-01 00:00Z', '2026-06-08 00:01Z')$$,
  '22023', NULL, 'one minute more than a week of a minutely job: 22023, not a partial answer');

-- Bad input.
SELECT throws_ok($$SELECT * FROM api.missed_runs(NULL, '2026-06-01Z')$$, '22023', NULL, 'no p_from: 22023');
SELECT throws_ok($$SELECT * FROM api.missed_runs('2026-06-01Z', NULL)$$, '22023', NULL, 'no p_to: 22023');
SELECT throws_ok($$SELECT * FROM api.missed_runs('2026-06-02Z', '2026-06-01Z')$$, '22023', NULL,
  'a window that ends before it starts: 22023');

-- Missed-run alerts. The jobs above stay out of them.
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name LIKE 'mr\_%';
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000e0001', 'Missed Runs Test', 'missed-runs-test');
INSERT INTO reporting.scheduled_jobs
  (organization_id, name, job_type, cron_expression, timezone, created_at, updated_at) VALUES
  (NULL, 'ma_sys', 'report', '0 6 * * *', 'UTC', '2026-06-01 00:00Z', '2026-06-01 00:00Z'),
  (NULL, 'ma_one', 'report', '0 7 * * *', 'UTC', '2026-06-01 00:00Z', '2026-06-01 00:00Z'),
  ('00000000-0000-4000-8000-0000000e0001', 'ma_org', 'report', '0 6 * * *', 'UTC', '2026-06-01 00:00Z', '2026-06-01 00:00Z'),
  ('00000000-0000-4000-8000-0000000e0001', 'ma_ok',  'report', '0 6 * * *', 'UTC', '2026-06-01 00:00Z', '2026-06-01 00:00Z');
SELECT pg_temp.add_runs('ma_org', '{2026-06-02 06:00Z}');
SELECT pg_temp.add_runs('ma_ok', '{2026-06-01 06:00Z,2026-06-02 06:00Z,2026-06-03 06:00Z,2026-06-04 06:00Z}');
INSERT INTO reporting.job_alerts (organization_id, job_id, name, alert_type, grace_period, enabled) VALUES
  (NULL, NULL, 'ma system', 'missed_run', '1 hour', true),
  ('00000000-0000-4000-8000-0000000e0001', NULL, 'ma org', 'missed_run', '1 hour', true),
  (NULL, pg_temp.job('ma_one'), 'ma one', 'missed_run', '0', true),
  (NULL, NULL, 'ma off', 'missed_run', '1 hour', false),
  (NULL, NULL, 'ma failure', 'failure', '1 hour', true);
CREATE FUNCTION pg_temp.events() RETURNS TABLE (rule text, job text, occurrences integer, missed jsonb)
LANGUAGE sql AS $$
  SELECT a.name, j.name, e.occurrences, e.details -> 'missed'
    FROM reporting.job_alert_events e
    JOIN reporting.job_alerts a USING (alert_id)
    JOIN reporting.scheduled_jobs j ON j.job_id = e.job_id
   WHERE a.name LIKE 'ma %'
$$;

SELECT is(internal.check_missed_runs('2026-06-01 00:00Z', '2026-06-04 00:00Z'), 4,
  'three days: four events (system rule on ma_sys and ma_one, organization rule on ma_org, job rule on ma_one)');
SELECT set_eq(
  'SELECT rule, job, occurrences, missed FROM pg_temp.events()',
  $$VALUES ('ma system', 'ma_sys', 1, '["2026-06-01T06:00Z", "2026-06-02T06:00Z", "2026-06-03T06:00Z"]'::jsonb),
           ('ma system', 'ma_one', 1, '["2026-06-01T07:00Z", "2026-06-02T07:00Z", "2026-06-03T07:00Z"]'),
           ('ma org',    'ma_org', 1, '["2026-06-01T06:00Z", "2026-06-03T06:00Z"]'),
           ('ma one',    'ma_one', 1, '["2026-06-01T07:00Z", "2026-06-02T07:00Z", "2026-06-03T07:00Z"]')$$,
  'each event lists its missed runs (UTC); ma_ok ran every day; the disabled and the failure rules raise nothing');
SELECT is(
  (SELECT e.message FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id) WHERE a.name = 'ma org'),
  format('job %s (ma_org): 2 missed runs with no ledger row: 2026-06-01T06:00Z, 2026-06-03T06:00Z', pg_temp.job('ma_org')),
  'the message names the job, how many runs were missed and which');
SELECT is(
  (SELECT (e.alert_type, e.organization_id, e.run_id IS NULL, e.details ->> 'window_to')::text
     FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id) WHERE a.name = 'ma org'),
  (SELECT ('missed_run', '00000000-0000-4000-8000-0000000e0001'::uuid, true,
           to_jsonb('2026-06-04 00:00Z'::timestamptz) #>> '{}')::text),
  'the event is a missed_run event of the job''s organization, with no run, and says which window was checked');

SELECT is(internal.check_missed_runs('2026-06-01 00:00Z', '2026-06-04 00:00Z'), 0,
  'the same window again: every missed run is already reported, nothing is touched');
SELECT is((SELECT sum(occurrences) FROM pg_temp.events()), 4::bigint, '... and no event counted up');

SELECT is(internal.check_missed_runs('2026-06-01 00:00Z', '2026-06-05 00:00Z'), 4,
  'a day more: one new missed run per job, four events touched');
SELECT set_eq(
  'SELECT rule, job, occurrences, missed FROM pg_temp.events()',
  $$VALUES ('ma system', 'ma_sys', 2, '["2026-06-01T06:00Z", "2026-06-02T06:00Z", "2026-06-03T06:00Z", "2026-06-04T06:00Z"]'::jsonb),
           ('ma system', 'ma_one', 2, '["2026-06-01T07:00Z", "2026-06-02T07:00Z", "2026-06-03T07:00Z", "2026-06-04T07:00Z"]'),
           ('ma org',    'ma_org', 2, '["2026-06-01T06:00Z", "2026-06-03T06:00Z", "2026-06-04T06:00Z"]'),
           ('ma one',    'ma_one', 1, '["2026-06-01T07:00Z", "2026-06-02T07:00Z", "2026-06-03T07:00Z"]'),
           ('ma one',    'ma_one', 1, '["2026-06-04T07:00Z"]')$$,
  'within the 1-hour grace period the new runs are counted into the open events (which now list them); the job rule has no grace period and raises a second event');
SELECT is(
  (SELECT e.message FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
    WHERE a.name = 'ma one' ORDER BY e.event_id DESC LIMIT 1),
  format('job %s (ma_one): 1 missed run with no ledger row: 2026-06-04T07:00Z', pg_temp.job('ma_one')),
  'one missed run: said in the singular');

-- A long list is cut short in the message, not in the details.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, created_at, updated_at)
VALUES ('ma_many', 'report', '*/5 * * * *', 'UTC', '2026-06-10 00:00Z', '2026-06-10 00:00Z');
INSERT INTO reporting.job_alerts (job_id, name, alert_type) VALUES (pg_temp.job('ma_many'), 'ma many', 'missed_run');
SELECT is(internal.check_missed_runs('2026-06-10 00:00Z', '2026-06-10 01:00Z'), 2,
  'twelve missed five-minute runs: the job rule and the system rule');
SELECT is(
  (SELECT (e.message, jsonb_array_length(e.details -> 'missed'))::text
     FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id) WHERE a.name = 'ma many'),
  (SELECT (format('job %s (ma_many): 12 missed runs with no ledger row: 2026-06-10T00:05Z, 2026-06-10T00:10Z, '
                  '2026-06-10T00:15Z, 2026-06-10T00:20Z, 2026-06-10T00:25Z, 2026-06-10T00:30Z, 2026-06-10T00:35Z, '
                  '2026-06-10T00:40Z, 2026-06-10T00:45Z, 2026-06-10T00:50Z and 2 more', pg_temp.job('ma_many')), 12)::text),
  'the message lists the first ten and says how many more; the details hold all twelve');

-- The last two minutes are left to the next check (their tick may not have committed).
UPDATE reporting.job_alerts SET enabled = false WHERE name LIKE 'ma %';
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, created_at, updated_at)
VALUES ('ma_recent', 'report', '* * * * *', 'UTC', now() - interval '5 minutes', now() - interval '5 minutes');
INSERT INTO reporting.job_alerts (job_id, name, alert_type) VALUES (pg_temp.job('ma_recent'), 'ma recent', 'missed_run');
SELECT is(internal.check_missed_runs(now() - interval '1 hour', now()), 1, 'a minutely job created 5 minutes ago: one event');
SELECT is(
  (SELECT (jsonb_array_length(e.details -> 'missed'),
           max(x.at::timestamptz) <= now() - interval '2 minutes')::text
     FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
    CROSS JOIN LATERAL jsonb_array_elements_text(e.details -> 'missed') x(at)
    WHERE a.name = 'ma recent' GROUP BY e.event_id),
  '(3,t)', '... for three missed minutes, the latest at least two minutes old');

-- The seeded check_missed_runs job runs the same check through api.work (the
-- runs queued above are cancelled, so api.work has only this one).
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued');
SELECT api.enqueue_run(j.job_id, now() - interval '1 minute')
  FROM reporting.scheduled_jobs j WHERE j.organization_id IS NULL AND j.name = 'check_missed_runs';
CREATE TEMP TABLE worked AS SELECT * FROM api.work(30);
SELECT results_eq(
  $$SELECT w.status, r.result FROM worked w JOIN reporting.job_runs r USING (run_id)$$,
  $$VALUES ('succeeded', '{"task": "check_missed_runs", "rows_processed": 0}'::jsonb)$$,
  'the seeded check_missed_runs job, run by api.work, succeeds and touches nothing already reported');

SELECT throws_ok($$SELECT internal.check_missed_runs(NULL, now())$$, '22023', NULL, 'check without p_from: 22023');
SELECT throws_ok($$SELECT internal.check_missed_runs(now(), now() - interval '1 day')$$, '22023', NULL,
  'check over a reversed window: 22023');
SELECT is((SELECT count(*) FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
            WHERE a.name IN ('ma off', 'ma failure')), 0::bigint,
  'disabled missed_run rules and rules of other types never raise a missed-run event');

SELECT * FROM finish();
ROLLBACK;
