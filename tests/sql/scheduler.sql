-- reporting.scheduled_jobs and api.tick: schedules checked as written, each due
-- occurrence enqueued once, catch-up policies after downtime.
-- Expected instants are worked out by hand and written in UTC (Z). London is
-- on BST (UTC+1) from 29 Mar to 25 Oct 2026 01:00Z and from 30 Mar 2036;
-- New York on EDT (UTC-4) in July. Ticks use an explicit p_now, so nothing
-- here depends on the day the tests run except the seed insert's first run,
-- which is checked against now() by its properties.
BEGIN;
SELECT plan(46);

-- Only this file's runs are in play: pg_cron's ticker and worker run in the
-- test database too, and the runs they queued are cancelled (and so locked
-- against them) until the rollback.
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued', 'running');

-- The seed's example, verbatim, with the database's search_path.
SET LOCAL search_path = reporting, api, public;
SELECT lives_ok(
  $$INSERT INTO scheduled_jobs (name, job_type, cron_expression, priority) VALUES ('monthly_report', 'report', '0 9 1 * *', 'normal');$$,
  'seed 001''s INSERT INTO scheduled_jobs runs verbatim');
RESET search_path;

SELECT is(
  (SELECT (timezone, enabled, catch_up, max_attempts, organization_id IS NULL)::text
     FROM reporting.scheduled_jobs WHERE name = 'monthly_report'),
  '(Europe/London,t,all,3,t)',
  'the seed job: a system job, Europe/London, enabled, catch-up all, 3 attempts');
SELECT ok(
  (SELECT next_run_at > now()
      AND to_char(next_run_at AT TIME ZONE 'Europe/London', 'DD HH24:MI:SS') = '01 09:00:00'
      AND ((next_run_at AT TIME ZONE 'Europe/London') - interval '1 month') AT TIME ZONE 'Europe/London' <= now()
     FROM reporting.scheduled_jobs WHERE name = 'monthly_report'),
  'the seed job''s next_run_at is the first 1st-of-the-month 09:00 London after now()');

-- Switched off, it has no next run; back on, the next run counts from
-- greatest(now(), last_run_at): 1 Apr 2036 09:00 BST (clocks change 30 Mar).
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name = 'monthly_report';
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'monthly_report'), NULL,
  'a disabled job has no next_run_at');
UPDATE reporting.scheduled_jobs SET enabled = true, last_run_at = '2036-03-15 12:00Z' WHERE name = 'monthly_report';
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'monthly_report'),
  '2036-04-01 08:00Z'::timestamptz, 're-enabled: 1 Apr 2036 09:00 BST, after last_run_at');

-- A new expression recomputes next_run_at; macros are stored normalised.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, last_run_at)
VALUES ('edited', 'report', '0 9 * * *', '2036-06-10 12:00Z'),
       ('macro', 'report', '@hourly', NULL);
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'edited'),
  '2036-06-11 08:00Z'::timestamptz, 'insert: the first 09:00 BST after last_run_at');
UPDATE reporting.scheduled_jobs SET cron_expression = '30 1 * * *' WHERE name = 'edited';
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'edited'),
  '2036-06-11 00:30Z'::timestamptz, 'a changed expression moves next_run_at: 01:30 BST');
SELECT is((SELECT cron_expression FROM reporting.scheduled_jobs WHERE name = 'macro'), '0 * * * *',
  '@hourly is stored as 0 * * * *');

-- A venue's job runs on the venue's clock unless told otherwise.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000d5001', 'Sched Test', 'sched-test');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity, timezone) VALUES
  ('00000000-0000-4000-8000-0000000d5001', 950001, 'Manhattan', 'manhattan', 100, 'America/New_York');
INSERT INTO reporting.scheduled_jobs (organization_id, venue_id, name, job_type, cron_expression, last_run_at)
VALUES ('00000000-0000-4000-8000-0000000d5001', 950001, 'ny_daily', 'report', '0 9 * * *', '2036-07-01 12:00Z');
SELECT is(
  (SELECT (timezone, next_run_at)::text FROM reporting.scheduled_jobs WHERE name = 'ny_daily'),
  (SELECT ('America/New_York', '2036-07-01 13:00Z'::timestamptz)::text),
  'no time zone given: the venue''s; next run 09:00 EDT');
SELECT lives_ok(
  $$INSERT INTO reporting.scheduled_jobs (organization_id, name, job_type, cron_expression)
    VALUES ('00000000-0000-4000-8000-0000000d5001', 'monthly_report', 'report', '0 9 1 * *')$$,
  'a name is unique per organization: a tenant may reuse a system job''s name');

-- Leave these jobs out of the ticks below.
UPDATE reporting.scheduled_jobs SET enabled = false;

-- Tick: exactly the due runs, once.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at, enabled) VALUES
  ('tick_a', 'report',      '0 9 * * *',    'Europe/London', '2026-06-02 08:00Z', true),
  ('tick_b', 'report',      '*/15 * * * *', 'UTC',           '2026-06-02 08:00Z', true),
  ('tick_c', 'report',      '0 10 * * *',   'Europe/London', '2026-06-02 09:00Z', true),
  ('tick_d', 'report',      '* * * * *',    'UTC',           NULL,                false);
SELECT set_eq(
  $$SELECT (SELECT name FROM reporting.scheduled_jobs j WHERE j.job_id = t.job_id), t.scheduled_for
      FROM api.tick('2026-06-02 08:00:30Z') t$$,
  $$VALUES ('tick_a', '2026-06-02 08:00Z'::timestamptz), ('tick_b', '2026-06-02 08:00Z')$$,
  'tick enqueues the due runs of enabled jobs: 09:00 BST daily and the quarter-hour; not 10:00, not the disabled job');
SELECT set_eq(
  $$SELECT name, next_run_at, last_run_at FROM reporting.scheduled_jobs WHERE name LIKE 'tick%'$$,
  $$VALUES ('tick_a', '2026-06-03 08:00Z'::timestamptz, '2026-06-02 08:00Z'::timestamptz),
           ('tick_b', '2026-06-02 08:15Z', '2026-06-02 08:00Z'),
           ('tick_c', '2026-06-02 09:00Z', NULL),
           ('tick_d', NULL, NULL)$$,
  'each ticked job''s next_run_at moves past p_now and last_run_at records the run');
SELECT is((SELECT count(*) FROM api.tick('2026-06-02 08:00:30Z')), 0::bigint,
  'a second tick with the same p_now enqueues nothing');
-- As if the job's advance were lost (a restore): the ledger still refuses a double.
UPDATE reporting.scheduled_jobs SET next_run_at = '2026-06-02 08:00Z' WHERE name = 'tick_a';
SELECT is((SELECT count(*) FROM api.tick('2026-06-02 08:00:40Z')), 0::bigint,
  'a tick that finds an occurrence already in the ledger enqueues nothing');
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'tick_a'),
  '2026-06-03 08:00Z'::timestamptz, '... and still moves next_run_at on');
SELECT set_eq(
  $$SELECT j.name, r.scheduled_for, r.status, r.attempt
      FROM reporting.job_runs r JOIN reporting.scheduled_jobs j USING (job_id) WHERE j.name LIKE 'tick%'$$,
  $$VALUES ('tick_a', '2026-06-02 08:00Z'::timestamptz, 'queued', 0), ('tick_b', '2026-06-02 08:00Z', 'queued', 0)$$,
  'the ledger holds each due run once, queued, no attempt yet');
SELECT throws_ok(
  $$INSERT INTO reporting.job_runs (job_id, job_type, scheduled_for, run_after)
    SELECT job_id, job_type, '2026-06-02 08:00Z', '2026-06-02 08:00Z' FROM reporting.scheduled_jobs WHERE name = 'tick_a'$$,
  '23505', NULL, 'the ledger is unique on (job, scheduled_for)');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name LIKE 'tick%';

-- An occurrence queued by hand before its tick: the tick leaves it alone (the
-- plain insert meets it and the statement runs again leaving it out), still
-- enqueues the other due job, and moves both on.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at) VALUES
  ('hand_a', 'report', '0 8 * * *', 'UTC', '2026-06-03 08:00Z'),
  ('hand_b', 'report', '0 8 * * *', 'UTC', '2026-06-03 08:00Z');
SELECT lives_ok(
  $$SELECT api.enqueue_run((SELECT job_id FROM reporting.scheduled_jobs WHERE name = 'hand_a'), '2026-06-03 08:00Z')$$,
  'hand_a''s 08:00 queued by hand');
SELECT set_eq(
  $$SELECT (SELECT name FROM reporting.scheduled_jobs j WHERE j.job_id = t.job_id), t.scheduled_for
      FROM api.tick('2026-06-03 08:00:30Z') t$$,
  $$VALUES ('hand_b', '2026-06-03 08:00Z'::timestamptz)$$,
  'a tick leaves an occurrence already queued by hand, and enqueues the other due job''s');
SELECT set_eq(
  $$SELECT j.name, j.next_run_at, (SELECT count(*) FROM reporting.job_runs r WHERE r.job_id = j.job_id)
      FROM reporting.scheduled_jobs j WHERE j.name LIKE 'hand\_%'$$,
  $$VALUES ('hand_a', '2026-06-04 08:00Z'::timestamptz, 1::bigint), ('hand_b', '2026-06-04 08:00Z', 1)$$,
  '... both jobs move on, with one run each');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name LIKE 'hand\_%';

-- Catch-up: hourly jobs, last ticked fine before 10:00, the ticker back at 12:30.
-- Due: 10:00, 11:00, 12:00 (and for */30 also 10:30, 11:30, 12:30).
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, catch_up, catch_up_limit, next_run_at) VALUES
  ('cu_skip',   'report', '0 * * * *',    'skip',   24, '2026-06-01 10:00Z'),
  ('cu_skip30', 'report', '*/30 * * * *', 'skip',   24, '2026-06-01 10:00Z'),
  ('cu_latest', 'report', '0 * * * *',    'latest', 24, '2026-06-01 10:00Z'),
  ('cu_all',    'report', '0 * * * *',    'all',    24, '2026-06-01 10:00Z'),
  ('cu_all2',   'report', '0 * * * *',    'all',     2, '2026-06-01 10:00Z');
SELECT results_eq(
  $$SELECT (SELECT name FROM reporting.scheduled_jobs j WHERE j.job_id = t.job_id), t.scheduled_for
      FROM api.tick('2026-06-01 12:30Z') t$$,
  $$VALUES ('cu_all', '2026-06-01 10:00Z'::timestamptz),
           ('cu_all', '2026-06-01 11:00Z'), ('cu_all2', '2026-06-01 11:00Z'),
           ('cu_latest', '2026-06-01 12:00Z'), ('cu_all', '2026-06-01 12:00Z'), ('cu_all2', '2026-06-01 12:00Z'),
           ('cu_skip30', '2026-06-01 12:30Z')$$,
  'after 3 hours down, oldest first: skip only what is due this minute (12:30), latest 12:00, all 10-12, all limited to 2: 11 and 12');
SELECT set_eq(
  $$SELECT name, next_run_at, last_run_at FROM reporting.scheduled_jobs WHERE name LIKE 'cu\_%'$$,
  $$VALUES ('cu_skip', '2026-06-01 13:00Z'::timestamptz, NULL::timestamptz),
           ('cu_skip30', '2026-06-01 13:00Z', '2026-06-01 12:30Z'),
           ('cu_latest', '2026-06-01 13:00Z', '2026-06-01 12:00Z'),
           ('cu_all', '2026-06-01 13:00Z', '2026-06-01 12:00Z'),
           ('cu_all2', '2026-06-01 13:00Z', '2026-06-01 12:00Z')$$,
  'every policy moves next_run_at past p_now; what was left out is not run later');
SELECT is((SELECT count(*) FROM api.tick('2026-06-01 12:59Z')), 0::bigint,
  'nothing left over for the next tick');
SELECT is((SELECT count(*) FROM api.tick('2026-06-01 13:00:05Z')), 5::bigint,
  'back to normal: each job''s 13:00 run, once');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name LIKE 'cu\_%';

-- Europe/London, autumn 2026: 01:00-02:00 happens twice on 25 October.
-- A tick every minute from 24 Oct 23:00Z to 25 Oct 03:00Z.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, next_run_at) VALUES
  ('fb_0130', 'report', '30 1 * * *', 'Europe/London', '2026-10-25 00:30Z'),
  ('fb_15',   'report', '15 * * * *', 'Europe/London', '2026-10-24 23:15Z');
CREATE TEMP TABLE fb_ticks (job_id bigint, run_id bigint, scheduled_for timestamptz);
DO $$
DECLARE
  v_now timestamptz;
BEGIN
  FOR v_now IN SELECT generate_series('2026-10-24 23:00:10Z'::timestamptz, '2026-10-25 03:00:10Z', '1 minute') LOOP
    INSERT INTO fb_ticks SELECT * FROM api.tick(v_now);
  END LOOP;
END
$$;
SELECT set_eq(
  $$SELECT j.name, f.scheduled_for FROM fb_ticks f JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('fb_0130', '2026-10-25 00:30Z'::timestamptz),
           ('fb_15', '2026-10-24 23:15Z'), ('fb_15', '2026-10-25 00:15Z'),
           ('fb_15', '2026-10-25 01:15Z'), ('fb_15', '2026-10-25 02:15Z')$$,
  'ticking through the fall-back: 30 1 * * * runs once (01:30 BST), 15 * * * * at both 01:15s');
SELECT is((SELECT next_run_at FROM reporting.scheduled_jobs WHERE name = 'fb_0130'),
  '2026-10-26 01:30Z'::timestamptz, 'the 01:30 job next runs on 26 Oct at 01:30 GMT');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name LIKE 'fb%';

-- Catching up across the change: down from 23 Oct to 26 Oct 02:00Z.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, next_run_at) VALUES
  ('fb_all', 'report', '30 1 * * *', '2026-10-24 00:30Z');
SELECT results_eq(
  $$SELECT scheduled_for FROM api.tick('2026-10-26 02:00Z')$$,
  $$VALUES ('2026-10-24 00:30Z'::timestamptz), ('2026-10-25 00:30Z'), ('2026-10-26 01:30Z')$$,
  'catch-up all across the fall-back: one 01:30 a night, BST, BST, then GMT');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name = 'fb_all';

-- internal.due_runs past a long outage looks back, not forward from the start.
SELECT is(internal.due_runs('* * * * *', 'UTC', '2026-01-01Z', '2026-06-01 12:00:30Z', 'all', 3),
  '{2026-06-01 11:58Z,2026-06-01 11:59Z,2026-06-01 12:00Z}'::timestamptz[],
  'a minutely job down five months, all with limit 3: the last three minutes');
SELECT is(internal.due_runs('0 9 1 * *', 'Europe/London', '2026-01-01Z', '2026-06-15Z', 'latest', 24),
  '{2026-06-01 08:00Z}'::timestamptz[],
  'latest of a monthly job: 1 June 09:00 BST');

-- Bad input: a SQLSTATE, and nothing changes.
CREATE TEMP TABLE jobs_before AS SELECT j::text AS job FROM reporting.scheduled_jobs j;
CREATE TEMP TABLE runs_before AS SELECT r::text AS run FROM reporting.job_runs r;
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('bad', 'report', '61 * * * *')$$,
  '22023', NULL, 'a minute out of range');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('bad', 'report', '0 0 30 2 *')$$,
  '22023', NULL, 'a date that never occurs');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('bad', 'report', 'every day')$$,
  '22023', NULL, 'not a cron expression');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('bad', 'report', NULL)$$,
  '22004', NULL, 'no cron expression');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone) VALUES ('bad', 'report', '0 9 * * *', 'Mars/Olympus_Mons')$$,
  '22023', NULL, 'an unknown time zone');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled) VALUES ('bad', 'report', '0 9 * * *', 'Mars/Olympus_Mons', false)$$,
  '22023', NULL, 'an unknown time zone on a disabled job');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, max_attempts) VALUES ('bad', 'report', '0 9 * * *', 0)$$,
  '23514', NULL, 'max_attempts 0');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, max_attempts) VALUES ('bad', 'report', '0 9 * * *', -2)$$,
  '23514', NULL, 'max_attempts negative');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('bad', 'email', '0 9 * * *')$$,
  '23514', NULL, 'an unknown job_type');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, priority) VALUES ('bad', 'report', '0 9 * * *', 'urgent')$$,
  '23514', NULL, 'an unknown priority');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, catch_up) VALUES ('bad', 'report', '0 9 * * *', 'some')$$,
  '23514', NULL, 'an unknown catch-up policy');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, catch_up_limit) VALUES ('bad', 'report', '0 9 * * *', 0)$$,
  '23514', NULL, 'a catch-up limit of 0');
SELECT throws_ok($$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('monthly_report', 'report', '0 9 * * *')$$,
  '23505', NULL, 'a second system job of the same name');
SELECT throws_ok($$UPDATE reporting.scheduled_jobs SET cron_expression = '0 25 * * *' WHERE name = 'tick_a'$$,
  '22023', NULL, 'an update to an hour out of range');
SELECT throws_ok($$UPDATE reporting.scheduled_jobs SET timezone = 'Europe/Leeds' WHERE name = 'edited'$$,
  '22023', NULL, 'an update to an unknown time zone');
SELECT set_eq('SELECT j::text FROM reporting.scheduled_jobs j', 'SELECT job FROM jobs_before',
  'the bad inserts and updates left every job as it was');
SELECT set_eq('SELECT r::text FROM reporting.job_runs r', 'SELECT run FROM runs_before',
  '... and the ledger too');

SELECT * FROM finish();
ROLLBACK;
