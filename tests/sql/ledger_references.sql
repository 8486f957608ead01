-- The run ledger's reference to its job (reporting.job_runs.job_id), kept by
-- triggers since 0013 rather than a FOREIGN KEY: a run's job exists when the
-- run is written or moved, and a job with runs stays. 23503, as before.
-- (tests/test_ledger_references.py: the same against concurrent transactions.)
BEGIN;
SELECT plan(12);

-- Disabled, so pg_cron's ticker in this database leaves them alone.
INSERT INTO reporting.scheduled_jobs (name, job_type, cron_expression, enabled) VALUES
  ('ref_kept', 'report', '0 9 1 1 *', false),
  ('ref_free', 'report', '0 9 1 1 *', false),
  ('ref_other', 'report', '0 9 1 1 *', false);
CREATE TEMP TABLE ref_ids AS
  SELECT name, job_id FROM reporting.scheduled_jobs WHERE name LIKE 'ref\_%';

SELECT lives_ok(
  $$SELECT api.enqueue_run((SELECT job_id FROM ref_ids WHERE name = 'ref_kept'), '2026-01-01 09:00Z')$$,
  'a run of a job that exists is written');
SELECT throws_ok(
  $$INSERT INTO reporting.job_runs (job_id, job_type, scheduled_for, run_after)
    VALUES (-1, 'report', '2026-01-01Z', '2026-01-01Z')$$,
  '23503', NULL, 'a run of a job that does not exist is refused');
SELECT throws_ok(
  $$INSERT INTO reporting.job_runs (job_id, job_type, scheduled_for, run_after)
    SELECT j, 'report', '2026-01-02Z', '2026-01-02Z'
      FROM unnest(ARRAY[(SELECT job_id FROM ref_ids WHERE name = 'ref_other'), -1]) j$$,
  '23503', NULL, 'an insert of several runs, one of a missing job, is refused');
SELECT is(
  (SELECT count(*) FROM reporting.job_runs WHERE job_id = (SELECT job_id FROM ref_ids WHERE name = 'ref_other')),
  0::bigint, '... whole: the other run is not written either');

SELECT throws_ok(
  $$DELETE FROM reporting.scheduled_jobs WHERE name = 'ref_kept'$$,
  '23503', NULL, 'a job with runs cannot be deleted');
SELECT throws_ok(
  $$UPDATE reporting.scheduled_jobs SET job_id = DEFAULT WHERE name = 'ref_kept'$$,
  '23503', NULL, '... nor given another job_id');
SET LOCAL client_min_messages = warning;  -- not the cascade's notices
SELECT throws_ok(
  $$TRUNCATE reporting.scheduled_jobs CASCADE$$,
  '23503', NULL, '... nor truncated away with the rest');
RESET client_min_messages;
SELECT lives_ok(
  $$DELETE FROM reporting.scheduled_jobs WHERE name = 'ref_free'$$,
  'a job without runs can be deleted');

SELECT throws_ok(
  $$UPDATE reporting.job_runs SET job_id = -1
     WHERE job_id = (SELECT job_id FROM ref_ids WHERE name = 'ref_kept')$$,
  '23503', NULL, 'a run cannot move to a job that does not exist');
SELECT lives_ok(
  $$UPDATE reporting.job_runs SET job_id = (SELECT job_id FROM ref_ids WHERE name = 'ref_other')
     WHERE job_id = (SELECT job_id FROM ref_ids WHERE name = 'ref_kept')$$,
  '... but may move to one that does');
SELECT lives_ok(
  $$DELETE FROM reporting.scheduled_jobs WHERE name = 'ref_kept'$$,
  'a job whose runs have moved away can be deleted');
SELECT is(
  (SELECT array_agg(j.name ORDER BY j.name) FROM reporting.scheduled_jobs j WHERE j.name LIKE 'ref\_%'),
  '{ref_other}'::text[], 'only the job with the run is left');

SELECT * FROM finish();
ROLLBACK;
