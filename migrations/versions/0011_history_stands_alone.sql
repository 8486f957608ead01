-- 0011: reporting.job_execution_history no longer references reporting.job_runs.
--
-- An auditor's record of what ran should not disappear because the ledger was
-- tidied: with ON DELETE CASCADE, archiving old runs silently deleted their
-- attempts too. History rows are only ever written by the functions that end
-- an attempt, from the run row they hold locked, so the reference cannot be
-- wrong when written; the foreign key only checked that again, once per
-- attempt (0.11 ms of the 0.5 ms a completion costs, the largest single part).
-- archive_job_history now trims the ledger and the history each by its own
-- age.
ALTER TABLE reporting.job_execution_history DROP CONSTRAINT job_execution_history_run_id_fkey;
COMMENT ON COLUMN reporting.job_execution_history.run_id IS
  'The run in reporting.job_runs this was an attempt of. Not a foreign key: the history outlives the ledger rows archive_job_history removes.';
