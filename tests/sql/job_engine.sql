-- The job engine: claiming with leases, heartbeats, completion, failures
-- retried with capped exponential back-off, leases and timeouts taken back by
-- the next claim, dependencies, alerts with a grace period, api.work, and bad
-- input refused with nothing changed. Lease and retry times are clock times,
-- so the tests move a run's clock columns into the past instead of sleeping.
BEGIN;
SELECT plan(94);

-- Only this file's runs are in play. The seeded system calendar is switched
-- off, which also keeps pg_cron's ticker (it runs in the test database) from
-- enqueueing its runs until the rollback: the rows stay locked.
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued', 'running');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE organization_id IS NULL AND enabled;

CREATE FUNCTION pg_temp.job(p_name text) RETURNS bigint LANGUAGE sql
AS $$ SELECT job_id FROM reporting.scheduled_jobs WHERE organization_id IS NULL AND name = p_name $$;
CREATE FUNCTION pg_temp.run(p_name text, p_at timestamptz) RETURNS bigint LANGUAGE sql
AS $$ SELECT run_id FROM reporting.job_runs WHERE job_id = pg_temp.job(p_name) AND scheduled_for = p_at $$;
CREATE FUNCTION pg_temp.state(p_run bigint) RETURNS text LANGUAGE sql
AS $$ SELECT (status, attempt, worker)::text FROM reporting.job_runs WHERE run_id = p_run $$;

INSERT INTO reporting.scheduled_jobs
  (name, job_type, cron_expression, timezone, priority, enabled, max_attempts,
   backoff_base, backoff_cap, backoff_jitter, timeout) VALUES
  ('eng_normal',   'report',      '0 9 * * *', 'UTC', 'normal',   false, 3, '1 minute', '3 minutes', 0.5, '10 minutes'),
  ('eng_critical', 'report',      '0 9 * * *', 'UTC', 'critical', false, 3, '1 minute', '1 hour',    0,   '10 minutes'),
  ('eng_low',      'report',      '0 9 * * *', 'UTC', 'low',      false, 3, '1 minute', '1 hour',    0,   '10 minutes');
SELECT api.enqueue_run(pg_temp.job('eng_normal'),   '2026-06-01 09:00Z');
SELECT api.enqueue_run(pg_temp.job('eng_critical'), '2026-06-01 10:00Z');
SELECT api.enqueue_run(pg_temp.job('eng_low'),      '2026-06-01 08:00Z');
SELECT api.enqueue_run(pg_temp.job('eng_normal'),   '2099-01-01 09:00Z');

-- Back-off by hand: base 1 minute, cap 3 minutes, no jitter.
SELECT is(
  ARRAY(SELECT internal.retry_delay('1 minute', '3 minutes', 0, n) FROM generate_series(1, 5) n),
  '{00:01:00,00:02:00,00:03:00,00:03:00,00:03:00}'::interval[],
  'back-off doubles from the base per attempt and stops at the cap: 1, 2, 3, 3, 3 minutes');
SELECT ok(
  (SELECT bool_and(d BETWEEN interval '2 minutes' AND interval '3 minutes')
     FROM (SELECT internal.retry_delay('1 minute', '1 hour', 0.5, 2) d FROM generate_series(1, 200)) s)
  AND (SELECT count(DISTINCT internal.retry_delay('1 minute', '1 hour', 0.5, 2)) > 100 FROM generate_series(1, 200)),
  'jitter 0.5 on a 2-minute back-off: always between 2 and 3 minutes, and spread out');
SELECT is(internal.retry_delay('1 second', '1 day', 0, 1000), interval '1 day',
  'a huge attempt count stays at the cap instead of overflowing');

-- Claiming.
SELECT is((SELECT count(*) FROM api.claim_jobs('w0', '{maintenance,sql}', 10)), 0::bigint,
  'claim_jobs takes only the job types asked for: no maintenance or sql runs are due');
SELECT results_eq(
  $$SELECT j.name, c.attempt, c.scheduled_for FROM api.claim_jobs('w1', NULL, 2) c
      JOIN reporting.scheduled_jobs j USING (job_id) ORDER BY c.scheduled_for DESC$$,
  $$VALUES ('eng_critical', 1, '2026-06-01 10:00Z'::timestamptz), ('eng_normal', 1, '2026-06-01 09:00Z')$$,
  'two claimed: the critical run first, then the normal one, though the low one is older; attempt 1');
SELECT is(pg_temp.state(pg_temp.run('eng_critical', '2026-06-01 10:00Z')), '(running,1,w1)',
  'a claimed run is running, attempt 1, held by its worker');
SELECT is(
  (SELECT (lease_expires_at - started_at, timeout_at - started_at, heartbeat_at = started_at)::text
     FROM reporting.job_runs WHERE run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  '(00:00:30,00:10:00,t)', 'its lease runs 30 s from the claim, its timeout 10 minutes');
SELECT results_eq(
  $$SELECT j.name FROM api.claim_jobs('w1', NULL, 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('eng_low')$$, 'the next claim gets the low-priority run, not the one due in 2099');
SELECT is((SELECT count(*) FROM api.claim_jobs('w1', NULL, 5)), 0::bigint, 'then nothing is due');

-- Heartbeats.
SELECT api.heartbeat(pg_temp.run('eng_normal', '2026-06-01 09:00Z'), 'w1', '5 minutes');
SELECT is(
  (SELECT lease_expires_at - heartbeat_at FROM reporting.job_runs
    WHERE run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  interval '5 minutes', 'a heartbeat moves the lease to 5 minutes from now');
SELECT is(
  (SELECT api.heartbeat(pg_temp.run('eng_normal', '2026-06-01 09:00Z'), 'w1', '1 day') = timeout_at
     FROM reporting.job_runs WHERE run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  true, 'never past the timeout');
SELECT throws_ok(
  format('SELECT api.heartbeat(%s, %L)', pg_temp.run('eng_normal', '2026-06-01 09:00Z'), 'w2'),
  '55000', NULL, 'a heartbeat from a worker that does not hold the run: 55000');

-- Completion.
SELECT lives_ok(
  format($$SELECT api.complete_job(%s, '{"rows_processed": 12, "cpu_ms": 3.5, "memory_kb": 2048}', 'w1')$$,
         pg_temp.run('eng_critical', '2026-06-01 10:00Z')),
  'complete_job by the holding worker');
SELECT is(
  (SELECT (r.status, r.result ->> 'rows_processed', r.finished_at IS NOT NULL, r.lease_expires_at)::text
     FROM reporting.job_runs r WHERE run_id = pg_temp.run('eng_critical', '2026-06-01 10:00Z')),
  '(succeeded,12,t,)', 'the run succeeded, keeps its result, has finished and no lease');
SELECT is(
  (SELECT (h.attempt, h.worker, h.status, h.rows_processed, h.cpu_ms, h.memory_kb, h.sqlstate, h.retry_at,
           h.duration >= interval '0')::text
     FROM reporting.job_execution_history h WHERE run_id = pg_temp.run('eng_critical', '2026-06-01 10:00Z')),
  '(1,w1,succeeded,12,3.5,2048,,,t)', 'one history row for the attempt, with rows, CPU and memory from the result');
SELECT throws_ok(
  format('SELECT api.complete_job(%s)', pg_temp.run('eng_critical', '2026-06-01 10:00Z')),
  '55000', NULL, 'completing a finished run again: 55000');
SELECT throws_ok('SELECT api.complete_job(-1)', 'P0002', NULL, 'completing a run that does not exist: P0002');
SELECT throws_ok(
  format($$SELECT api.complete_job(%s, '[1, 2]')$$, pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  '22023', NULL, 'a result that is not a JSON object: 22023');
SELECT is(pg_temp.state(pg_temp.run('eng_normal', '2026-06-01 09:00Z')), '(running,1,w1)',
  '... and the run is untouched');

-- Failure, retry with back-off, then failed for good.
SELECT throws_ok(
  format($$SELECT api.fail_job(%s, 'oops', 'bad')$$, pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  '22023', NULL, 'fail_job with something that is not a SQLSTATE: 22023');
SELECT is(
  api.fail_job(pg_temp.run('eng_normal', '2026-06-01 09:00Z'), 'XX000', 'boom', 'w1'), 'queued',
  'a failed first attempt of three: queued again');
SELECT is(
  (SELECT (r.status, r.attempt, r.worker, r.error_sqlstate, r.error_message,
           h.retry_at = r.run_after,
           r.run_after - h.finished_at BETWEEN interval '1 minute' AND interval '90 seconds')::text
     FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)
    WHERE r.run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z') AND h.attempt = 1),
  '(queued,1,,XX000,boom,t,t)',
  'retry after 1 minute plus up to 50% jitter; the error is on the run and in the history');
SELECT is((SELECT count(*) FROM api.claim_jobs('w1', NULL, 5)), 0::bigint,
  'a run waiting out its back-off is not claimed');
UPDATE reporting.job_runs SET run_after = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z');
SELECT results_eq($$SELECT attempt FROM api.claim_jobs('w1', NULL, 5)$$, $$VALUES (2)$$,
  'once the back-off has passed it is claimed again: attempt 2');
SELECT is(api.fail_job(pg_temp.run('eng_normal', '2026-06-01 09:00Z'), '40001', 'conflict'), 'queued',
  'the second attempt fails too: queued again');
SELECT ok(
  (SELECT r.run_after - h.finished_at BETWEEN interval '2 minutes' AND interval '3 minutes'
     FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)
    WHERE r.run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z') AND h.attempt = 2),
  'the second back-off is 2 minutes plus up to 50%');
UPDATE reporting.job_runs SET run_after = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z');
SELECT results_eq($$SELECT attempt FROM api.claim_jobs('w1', NULL, 5)$$, $$VALUES (3)$$, 'attempt 3');
SELECT is(api.fail_job(pg_temp.run('eng_normal', '2026-06-01 09:00Z'), 'XX000', 'boom again', 'w1'), 'failed',
  'the third and last attempt fails: the run has failed');
SELECT is(
  (SELECT (r.status, r.finished_at IS NOT NULL,
           (SELECT array_agg((h.status, h.sqlstate, h.retry_at IS NOT NULL)::text ORDER BY h.attempt)
              FROM reporting.job_execution_history h WHERE h.run_id = r.run_id))::text
     FROM reporting.job_runs r WHERE r.run_id = pg_temp.run('eng_normal', '2026-06-01 09:00Z')),
  '(failed,t,"{""(failed,XX000,t)"",""(failed,40001,t)"",""(failed,XX000,f)""}")',
  'three attempts in the history, the last with no retry');

-- A crashed worker: its lease expires and the next claim takes the run back.
UPDATE reporting.job_runs SET lease_expires_at = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('eng_low', '2026-06-01 08:00Z');
SELECT results_eq(
  $$SELECT j.name, c.attempt FROM api.claim_jobs('w2', NULL, 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('eng_low', 2)$$, 'the next claim takes back the run whose lease expired, as attempt 2');
SELECT is(
  (SELECT (h.status, h.sqlstate, h.worker, h.retry_at IS NOT NULL, h.message LIKE 'worker w1 stopped renewing its lease%')::text
     FROM reporting.job_execution_history h
    WHERE h.run_id = pg_temp.run('eng_low', '2026-06-01 08:00Z') AND h.attempt = 1),
  '(lease_expired,08006,w1,t,t)', 'the lost attempt is in the history as lease_expired (08006), by w1');
SELECT throws_ok(
  format('SELECT api.complete_job(%s, NULL, %L)', pg_temp.run('eng_low', '2026-06-01 08:00Z'), 'w1'),
  '55000', NULL, 'the old worker, back from the dead, cannot complete the run w2 now holds: 55000');
SELECT is(pg_temp.state(pg_temp.run('eng_low', '2026-06-01 08:00Z')), '(running,2,w2)', 'w2 still holds it');

-- A run past its timeout is taken back as timed out and retried after the back-off.
UPDATE reporting.job_runs
   SET timeout_at = clock_timestamp() - interval '1 second', lease_expires_at = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('eng_low', '2026-06-01 08:00Z');
SELECT is((SELECT count(*) FROM api.claim_jobs('w3', NULL, 5)), 0::bigint,
  'a timed-out attempt is taken back, but its retry waits for the back-off');
SELECT is(
  (SELECT (r.status, h.status, h.sqlstate, r.run_after - h.finished_at = interval '2 minutes')::text
     FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)
    WHERE r.run_id = pg_temp.run('eng_low', '2026-06-01 08:00Z') AND h.attempt = 2),
  '(queued,timed_out,57014,t)', 'attempt 2 timed out (57014); retry 2 minutes later (no jitter on this job)');
SELECT throws_ok(
  format('SELECT api.heartbeat(%s, %L)', pg_temp.run('eng_low', '2026-06-01 08:00Z'), 'w2'),
  '55000', NULL, 'the timed-out worker''s next heartbeat is refused: 55000');

-- Dependencies: a 22:00 report waits for the 02:00 aggregation of the same day.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled, max_attempts) VALUES
  ('dep_parent',     'report', '0 2 * * *',  'UTC', false, 1),
  ('dep_child',      'report', '0 22 * * *', 'UTC', false, 1),
  ('dep_completion', 'report', '0 22 * * *', 'UTC', false, 1),
  ('dep_always',     'report', '0 22 * * *', 'UTC', false, 1);
INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id, condition) VALUES
  (pg_temp.job('dep_child'), pg_temp.job('dep_parent'), 'success'),
  (pg_temp.job('dep_completion'), pg_temp.job('dep_parent'), 'completion'),
  (pg_temp.job('dep_always'), pg_temp.job('dep_parent'), 'always');
SELECT api.enqueue_run(pg_temp.job('dep_child'), '2026-06-01 22:00Z');
SELECT is(pg_temp.state(pg_temp.run('dep_child', '2026-06-01 22:00Z')), '(waiting,0,)',
  'a run of a job with parents is enqueued waiting');
SELECT is((SELECT count(*) FROM api.claim_jobs('w1', '{report}', 5)), 0::bigint,
  'with no parent run yet and the parent not due (disabled): not claimable ...');
SELECT is(
  (SELECT (status, skip_reason LIKE 'parent job % (dep_parent) has no run in this period%')::text
     FROM reporting.job_runs WHERE run_id = pg_temp.run('dep_child', '2026-06-01 22:00Z')),
  '(skipped,t)', '... but skipped, naming the parent that had no run in the period');

SELECT api.enqueue_run(pg_temp.job('dep_parent'), '2026-06-02 02:00Z');
SELECT api.enqueue_run(pg_temp.job('dep_child'), '2026-06-02 22:00Z');
SELECT results_eq(
  $$SELECT j.name FROM api.claim_jobs('w1', '{report}', 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('dep_parent')$$, 'the parent''s 02:00 run is claimed; the child''s 22:00 run waits');
SELECT is(pg_temp.state(pg_temp.run('dep_child', '2026-06-02 22:00Z')), '(waiting,0,)',
  'still waiting while the parent runs');
SELECT api.complete_job(pg_temp.run('dep_parent', '2026-06-02 02:00Z'));
SELECT results_eq(
  $$SELECT j.name FROM api.claim_jobs('w1', '{report}', 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('dep_child')$$, 'once the parent has succeeded the child is released and claimed');

SELECT api.enqueue_run(pg_temp.job('dep_parent'), '2026-06-03 02:00Z');
SELECT api.enqueue_run(pg_temp.job(n), '2026-06-03 22:00Z') FROM unnest('{dep_child,dep_completion,dep_always}'::text[]) n;
SELECT results_eq($$SELECT attempt FROM api.claim_jobs('w1', '{report}', 5)$$, $$VALUES (1)$$,
  'day 3: only the parent is claimable');
SELECT is(api.fail_job(pg_temp.run('dep_parent', '2026-06-03 02:00Z'), 'XX000', 'no data'), 'failed',
  'the parent fails for good (one attempt)');
SELECT set_eq(
  $$SELECT j.name FROM api.claim_jobs('w1', '{report}', 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('dep_completion'), ('dep_always')$$,
  'after the parent failed: the completion and always children run');
SELECT is(
  (SELECT (status, skip_reason)::text FROM reporting.job_runs WHERE run_id = pg_temp.run('dep_child', '2026-06-03 22:00Z')),
  format('(skipped,"parent job %s (dep_parent) run %s of 2026-06-03 02:00:00+00 was failed")',
         pg_temp.job('dep_parent'), pg_temp.run('dep_parent', '2026-06-03 02:00Z')),
  'the success child is skipped, naming the parent''s failed run');
SELECT api.enqueue_run(pg_temp.job('dep_always'), '2026-06-04 22:00Z');
SELECT results_eq(
  $$SELECT j.name FROM api.claim_jobs('w1', '{report}', 5) c JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('dep_always')$$, 'an always child runs even when the parent had no run in its period');

SELECT throws_ok(
  format('INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id) VALUES (%s, %s)',
         pg_temp.job('dep_parent'), pg_temp.job('dep_child')),
  '23514', format('job dependency cycle: job %1$s would wait for itself (%1$s waits for %2$s waits for %1$s )',
                  pg_temp.job('dep_parent'), pg_temp.job('dep_child')),
  'a two-job cycle is refused (23514) naming the path');
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, enabled) VALUES
  ('cyc_a', 'report', '0 1 * * *', false), ('cyc_b', 'report', '0 1 * * *', false), ('cyc_c', 'report', '0 1 * * *', false);
INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id) VALUES
  (pg_temp.job('cyc_b'), pg_temp.job('cyc_a')), (pg_temp.job('cyc_c'), pg_temp.job('cyc_b'));
SELECT throws_ok(
  format('INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id) VALUES (%s, %s)',
         pg_temp.job('cyc_a'), pg_temp.job('cyc_c')),
  '23514', NULL, 'a three-job cycle is refused too');
SELECT throws_ok(
  format('UPDATE reporting.job_dependencies SET parent_job_id = %s WHERE child_job_id = %s',
         pg_temp.job('cyc_c'), pg_temp.job('cyc_b')),
  '23514', NULL, 'a job may not wait for itself');
SELECT is((SELECT count(*) FROM reporting.job_dependencies
            WHERE child_job_id IN (pg_temp.job('cyc_a'), pg_temp.job('cyc_b'), pg_temp.job('cyc_c'))),
  2::bigint, 'the refused dependencies changed nothing');

-- A tick enqueues a child job's run waiting.
UPDATE reporting.scheduled_jobs SET enabled = true, next_run_at = '2026-06-05 22:00Z' WHERE name = 'dep_always';
SELECT results_eq($$SELECT scheduled_for FROM api.tick('2026-06-05 22:00:10Z')$$,
  $$VALUES ('2026-06-05 22:00Z'::timestamptz)$$, 'api.tick enqueues the child job''s run ...');
SELECT is(pg_temp.state(pg_temp.run('dep_always', '2026-06-05 22:00Z')), '(waiting,0,)', '... as waiting');
UPDATE reporting.scheduled_jobs SET enabled = false WHERE name = 'dep_always';
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued');

-- Alerts.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled, max_attempts, backoff_jitter) VALUES
  ('al_job', 'report', '0 3 * * *', 'UTC', false, 2, 0);
INSERT INTO reporting.job_alerts (job_id, name, alert_type, threshold_count, threshold_duration, grace_period) VALUES
  (pg_temp.job('al_job'), 'al failure', 'failure', NULL, NULL, '1 hour'),
  (pg_temp.job('al_job'), 'al twice', 'consecutive_failures', 2, NULL, '1 hour'),
  (pg_temp.job('al_job'), 'al slow', 'slow', NULL, '1 minute', '0');
SELECT api.enqueue_run(pg_temp.job('al_job'), '2026-06-01 03:00Z');
SELECT api.claim_jobs('w1', '{report}', 1);
SELECT api.fail_job(pg_temp.run('al_job', '2026-06-01 03:00Z'), 'XX000', 'first');
SELECT is((SELECT count(*) FROM reporting.job_alert_events WHERE job_id = pg_temp.job('al_job')), 0::bigint,
  'one failed attempt that will be retried raises nothing');
UPDATE reporting.job_runs SET run_after = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('al_job', '2026-06-01 03:00Z');
SELECT api.claim_jobs('w1', '{report}', 1);
SELECT api.fail_job(pg_temp.run('al_job', '2026-06-01 03:00Z'), 'XX000', 'second');
SELECT set_eq(
  $$SELECT a.name, e.occurrences, e.run_id = pg_temp.run('al_job', '2026-06-01 03:00Z')
      FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
     WHERE e.job_id = pg_temp.job('al_job')$$,
  $$VALUES ('al failure', 1, true), ('al twice', 1, true)$$,
  'the run fails for good: a failure event and a two-consecutive-failures event');
SELECT ok(
  (SELECT message LIKE 'job % (al_job): run % failed after 2 attempts: XX000 second'
     FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id) WHERE a.name = 'al failure'),
  'the failure event says which job and run, after how many attempts, and the error');
SELECT api.enqueue_run(pg_temp.job('al_job'), '2026-06-02 03:00Z');
SELECT api.claim_jobs('w1', '{report}', 1);
SELECT api.fail_job(pg_temp.run('al_job', '2026-06-02 03:00Z'), 'XX000', 'third');
UPDATE reporting.job_runs SET run_after = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('al_job', '2026-06-02 03:00Z');
SELECT api.claim_jobs('w1', '{report}', 1);
SELECT api.fail_job(pg_temp.run('al_job', '2026-06-02 03:00Z'), 'XX000', 'fourth');
SELECT set_eq(
  $$SELECT a.name, e.occurrences FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
     WHERE e.job_id = pg_temp.job('al_job')$$,
  $$VALUES ('al failure', 2), ('al twice', 3)$$,
  'within the grace period further failures are counted into the open events, not raised again');
SELECT api.enqueue_run(pg_temp.job('al_job'), '2026-06-03 03:00Z');
SELECT api.claim_jobs('w1', '{report}', 1);
UPDATE reporting.job_runs SET started_at = started_at - interval '5 minutes'
 WHERE run_id = pg_temp.run('al_job', '2026-06-03 03:00Z');
SELECT api.complete_job(pg_temp.run('al_job', '2026-06-03 03:00Z'));
SELECT is(
  (SELECT (e.occurrences, e.message LIKE 'job % (al_job): run % attempt 1 took 00:05:%(threshold 00:01:00)')::text
     FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id) WHERE a.name = 'al slow'),
  '(1,t)', 'a successful attempt that took 5 minutes raises the slow alert (threshold 1 minute)');
SELECT throws_ok(
  $$INSERT INTO reporting.job_alerts (name, alert_type) VALUES ('no count', 'consecutive_failures')$$,
  '23514', NULL, 'a consecutive-failures rule needs its count');

-- api.work: in-database jobs, each in its own subtransaction.
CREATE TEMP TABLE work_log (n integer);
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled, max_attempts, payload) VALUES
  ('work_ok',  'sql', '0 4 * * *', 'UTC', false, 2, '{"sql": "INSERT INTO work_log VALUES (1), (2)"}'),
  ('work_bad', 'sql', '0 4 * * *', 'UTC', false, 2, '{"sql": "INSERT INTO work_log VALUES (99); SELECT 1 / 0"}'),
  ('work_cache', 'maintenance', '0 4 * * *', 'UTC', false, 2, '{"task": "clear_metrics_cache"}');
SELECT api.enqueue_run(pg_temp.job(n), '2026-06-01 04:00Z') FROM unnest('{work_bad,work_ok,work_cache}'::text[]) n;
SELECT set_eq(
  $$SELECT j.name, w.attempt, w.status, w.error_sqlstate FROM api.work(10) w JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('work_bad', 1, 'queued', '22012'), ('work_ok', 1, 'succeeded', NULL), ('work_cache', 1, 'succeeded', NULL)$$,
  'api.work runs the due in-database runs: the division by zero is queued for a retry, the others succeed');
SELECT is(ARRAY(SELECT n FROM work_log ORDER BY n), '{1,2}'::integer[],
  'the failed run''s insert was rolled back alone; the good run''s rows stay');
SELECT is(
  (SELECT (r.result ->> 'rows_processed', h.rows_processed)::text
     FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)
    WHERE r.run_id = pg_temp.run('work_ok', '2026-06-01 04:00Z')),
  '(2,2)', 'the sql job''s row count is its result');

-- Completing many runs in one call, and completing while claiming.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled) VALUES
  ('batch', 'report', '0 5 * * *', 'UTC', false);
SELECT api.enqueue_run(pg_temp.job('batch'), timestamptz '2026-06-01 05:00Z' + n * interval '1 day')
  FROM generate_series(0, 4) n;
SELECT is((SELECT count(*) FROM api.claim_jobs('wb', '{report}', 3)), 3::bigint, 'wb claims three runs');
SELECT throws_ok(
  format('SELECT api.complete_jobs(%L, %L)',
         ARRAY[pg_temp.run('batch', '2026-06-01 05:00Z'), pg_temp.run('batch', '2026-06-04 05:00Z')], 'wb'),
  '55000', format('complete_job: run %s is queued, not running', pg_temp.run('batch', '2026-06-04 05:00Z')),
  'complete_jobs with one run the worker does not hold: 55000 naming that run ...');
SELECT is(pg_temp.state(pg_temp.run('batch', '2026-06-01 05:00Z')), '(running,1,wb)',
  '... and the other run is not completed either (all or nothing)');
SELECT is(
  api.complete_jobs(ARRAY(SELECT pg_temp.run('batch', timestamptz '2026-06-01 05:00Z' + n * interval '1 day')
                            FROM generate_series(0, 2) n), 'wb', '{"rows_processed": 7}'),
  3, 'complete_jobs completes the three held runs in one call');
SELECT is(
  (SELECT array_agg((r.status, h.status, h.rows_processed)::text ORDER BY r.scheduled_for)
     FROM reporting.job_runs r JOIN reporting.job_execution_history h USING (run_id)
    WHERE r.job_id = pg_temp.job('batch')),
  '{"(succeeded,succeeded,7)","(succeeded,succeeded,7)","(succeeded,succeeded,7)"}'::text[],
  'each has succeeded, with its history row');
SELECT results_eq(
  format('SELECT scheduled_for FROM api.claim_jobs(%L, %L, 1, %L, NULL)', 'wb', '{report}', '30 seconds'),
  $$VALUES ('2026-06-04 05:00Z'::timestamptz)$$, 'the next claim ...');
SELECT results_eq(
  format('SELECT scheduled_for FROM api.claim_jobs(%L, %L, 1, %L, %L)', 'wb', '{report}', '30 seconds',
         ARRAY[pg_temp.run('batch', '2026-06-04 05:00Z')]),
  $$VALUES ('2026-06-05 05:00Z'::timestamptz)$$, 'a claim that reports the previous run done gets the next');
SELECT is(pg_temp.state(pg_temp.run('batch', '2026-06-04 05:00Z')), '(succeeded,1,wb)',
  '... and the reported run has succeeded');
SELECT throws_ok(
  format('SELECT api.claim_jobs(%L, NULL, 1, %L, %L)', 'other', '30 seconds',
         ARRAY[pg_temp.run('batch', '2026-06-05 05:00Z')]),
  '55000', NULL, 'reporting done a run another worker holds: 55000, and no claim');
SELECT is(pg_temp.state(pg_temp.run('batch', '2026-06-05 05:00Z')), '(running,1,wb)', 'wb still holds it');
SELECT throws_ok('SELECT api.complete_job(NULL)', '22004', NULL, 'complete_job without a run id: 22004');

-- The one-at-a-time claim (p_limit 1) has statements of its own, and looks
-- first whether any lease has expired: wb's lease on the 06-05 run expires,
-- and a claim of one run takes it back and hands it out in the same call.
UPDATE reporting.job_runs SET lease_expires_at = clock_timestamp() - interval '1 second'
 WHERE run_id = pg_temp.run('batch', '2026-06-05 05:00Z');
SELECT results_eq(
  $$SELECT scheduled_for, attempt FROM api.claim_jobs('w9', '{report}', 1)$$,
  $$VALUES ('2026-06-05 05:00Z'::timestamptz, 2)$$,
  'a claim of one run takes back the expired lease first and hands that run out as attempt 2');
SELECT is(
  (SELECT array_agg((h.attempt, h.status, h.worker)::text ORDER BY h.attempt)
     FROM reporting.job_execution_history h WHERE h.run_id = pg_temp.run('batch', '2026-06-05 05:00Z'))
  || pg_temp.state(pg_temp.run('batch', '2026-06-05 05:00Z')),
  '{"(1,lease_expired,wb)","(running,2,w9)"}'::text[], 'wb''s lost attempt is in the history, and w9 holds the run');
SELECT is(api.complete_jobs(ARRAY[pg_temp.run('batch', '2026-06-05 05:00Z'),
                                  pg_temp.run('batch', '2026-06-05 05:00Z'), NULL], 'w9'),
  1, 'a run named twice (and a NULL) in complete_jobs is completed once');
SELECT is(
  (SELECT array_agg((h.attempt, h.status, h.worker)::text ORDER BY h.attempt)
     FROM reporting.job_execution_history h WHERE h.run_id = pg_temp.run('batch', '2026-06-05 05:00Z')),
  '{"(1,lease_expired,wb)","(2,succeeded,w9)"}'::text[], '... with one history row for its attempt');
SELECT is(
  (SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i
    WHERE i.indexrelid = 'reporting.job_runs_lease_idx'::regclass),
  '(lease_expires_at IS NOT NULL)',
  'the lease index holds the runs that have a lease, so a lookup by id and status uses the primary key');

-- Archiving trims the ledger and the history each by its own age.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, timezone, enabled, payload) VALUES
  ('archive', 'maintenance', '0 3 * * 0', 'UTC', false, '{"task": "archive_job_history", "keep": "30 days"}');
UPDATE reporting.job_runs SET finished_at = clock_timestamp() - interval '31 days'
 WHERE run_id = pg_temp.run('batch', '2026-06-01 05:00Z');
UPDATE reporting.job_execution_history
   SET started_at = clock_timestamp() - interval '31 days', finished_at = clock_timestamp() - interval '31 days'
 WHERE run_id = pg_temp.run('batch', '2026-06-02 05:00Z');
SELECT pg_temp.run('batch', '2026-06-01 05:00Z') AS archived_run \gset
SELECT api.enqueue_run(pg_temp.job('archive'), '2026-06-07 03:00Z');
SELECT results_eq(
  $$SELECT j.name, w.status FROM api.work(10) w JOIN reporting.scheduled_jobs j USING (job_id)$$,
  $$VALUES ('archive', 'succeeded')$$, 'api.work runs the archive job');
SELECT is(
  (SELECT array_agg((r.scheduled_for, r.run_id IS NOT NULL,
                     EXISTS (SELECT 1 FROM reporting.job_execution_history h WHERE h.run_id = r.run_id))::text
                    ORDER BY r.scheduled_for)
     FROM reporting.job_runs r WHERE r.job_id = pg_temp.job('batch') AND r.scheduled_for < '2026-06-04Z'),
  '{"(\"2026-06-02 05:00:00+00\",t,f)","(\"2026-06-03 05:00:00+00\",t,t)"}'::text[],
  'the run finished 31 days ago is gone; the attempt that ended 31 days ago is gone; the rest stay');
SELECT is(
  (SELECT (count(*), min(status))::text FROM reporting.job_execution_history WHERE run_id = :archived_run),
  '(1,succeeded)', 'the archived run''s attempt, which ended today, is still in the history: it outlives the ledger row');

-- Bad input: clear SQLSTATEs, nothing changed.
CREATE TEMP TABLE before_runs AS SELECT * FROM reporting.job_runs;
SELECT throws_ok($$SELECT api.claim_jobs('', NULL, 1)$$, '22023', NULL, 'claim_jobs without a worker name: 22023');
SELECT throws_ok($$SELECT api.claim_jobs('w', NULL, 0)$$, '22023', NULL, 'claim_jobs with a limit of 0: 22023');
SELECT throws_ok($$SELECT api.claim_jobs('w', '{reports}', 1)$$, '22023', NULL, 'claim_jobs with an unknown job type: 22023');
SELECT throws_ok($$SELECT api.claim_jobs('w', NULL, 1, '-1 second')$$, '22023', NULL, 'a negative lease: 22023');
SELECT throws_ok($$SELECT api.enqueue_run(-1)$$, 'P0002', NULL, 'enqueue_run of no job: P0002');
SELECT throws_ok(format('SELECT api.enqueue_run(%s, %L)', pg_temp.job('work_ok'), '2026-06-01 04:00Z'),
  '23505', NULL, 'enqueue_run of a run already in the ledger: 23505');
SELECT throws_ok($$SELECT api.work(0)$$, '22023', NULL, 'api.work(0): 22023');
SELECT set_eq('SELECT * FROM reporting.job_runs', 'SELECT * FROM before_runs', 'the refused calls changed no run');
SELECT throws_ok(
  $$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression) VALUES ('no task', 'maintenance', '0 3 * * *')$$,
  '22023', 'a maintenance job''s payload needs a known "task", got none', 'a maintenance job without a task: 22023');
SELECT throws_ok(
  $$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, payload)
    VALUES ('bad keep', 'maintenance', '0 3 * * *', '{"task": "archive_job_history", "keep": "ninety days"}')$$,
  '22023', 'task archive_job_history parameter "keep" must be interval, got "ninety days"',
  'a parameter of the wrong type: 22023');
SELECT throws_ok(
  $$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, payload)
    VALUES ('bad param', 'aggregation', '0 3 * * *', '{"task": "daily_aggregations", "day": 3}')$$,
  '22023', 'task daily_aggregations has no parameter "day"', 'an unknown parameter: 22023');
SELECT throws_ok(
  $$INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, payload)
    VALUES ('bad sql', 'sql', '0 3 * * *', '{"sql": "SELECT 1", "as": "me"}')$$,
  '22023', NULL, 'a sql job with more than its statement: 22023');
SELECT is((SELECT count(*) FROM reporting.scheduled_jobs WHERE name IN ('no task', 'bad keep', 'bad param', 'bad sql')),
  0::bigint, 'no refused job was stored');

SELECT * FROM finish();
ROLLBACK;
