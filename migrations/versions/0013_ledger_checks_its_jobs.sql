-- 0013: the run ledger's reference to its job is kept by triggers, not a
-- FOREIGN KEY.
--
-- When 100,000 jobs fall due together (every tenant's 09:00 report), api.tick
-- writes 100,000 runs in one statement. The declared FOREIGN KEY from
-- reporting.job_runs to reporting.scheduled_jobs then looked up and locked
-- each run's job again, one query per row: 0.45 s of the 2 s such a tick
-- took, although api.tick holds every one of those jobs locked FOR UPDATE
-- and updates it in the same statement.
--
-- The triggers in db/triggers/reporting/job_runs.sql and scheduled_jobs.sql
-- keep the same promises (internal.tg_job_runs__check_job,
-- internal.tg_scheduled_jobs__keep_runs), and leave out only api.tick's own
-- runs, whose jobs it holds already: a run's job exists when the run is
-- written or moved to another job, and a job that has runs cannot be
-- deleted, truncated or given another id; both raise 23503 as the foreign
-- key did. A job with runs was never deletable (NO ACTION), and should not
-- be: its runs are its history. Disable it instead.
ALTER TABLE reporting.job_runs DROP CONSTRAINT job_runs_job_id_fkey;

COMMENT ON COLUMN reporting.job_runs.job_id IS
  'The scheduled job this is a run of. Kept by triggers rather than a FOREIGN KEY (internal.tg_job_runs__check_job): the job exists when the run is written, and a job with runs cannot be deleted (23503).';
