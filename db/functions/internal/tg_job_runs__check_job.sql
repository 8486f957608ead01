-- internal.tg_job_runs__check_job(): a run's job exists and is held until commit (in place of a FOREIGN KEY).
CREATE OR REPLACE FUNCTION internal.tg_job_runs__check_job()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * reporting.job_runs.job_id refers to reporting.scheduled_jobs without a
   * declared FOREIGN KEY (migration 0013): a foreign key looks up and locks
   * the job once per inserted row, and api.tick inserts 100,000 runs in one
   * statement. This trigger and internal.tg_scheduled_jobs__keep_runs keep
   * the same promises.
   *
   * BEFORE INSERT, and BEFORE UPDATE OF job_id when it changes, per row, as
   * the foreign key did: the run's job exists, else 23503, and is locked FOR
   * KEY SHARE until this transaction ends, so a DELETE of it waits, then
   * finds the run (tg_scheduled_jobs__keep_runs). The lock is taken once per
   * job; later runs of the same job find it held.
   *
   * Not for the runs api.tick inserts: the trigger's WHEN skips them while
   * api.tick sets nightcap.runs_of_locked_jobs = on for its statement. They
   * are the runs its UPDATE returned, of job rows it locked FOR UPDATE and
   * updated in that very statement, so their jobs exist and are held until
   * commit already. Checking them again cost 0.07 to 0.15 s per 100,000
   * runs, and locking them again 0.4 s. The setting skips only work
   * api.tick has done; set by hand for another insert, it would skip that
   * insert's check.
   */
  PERFORM FROM reporting.scheduled_jobs j WHERE j.job_id = NEW.job_id FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = 'foreign_key_violation',
      MESSAGE = format('run of scheduled job %s: no such job in reporting.scheduled_jobs', NEW.job_id),
      HINT = 'Runs are enqueued by api.tick and api.enqueue_run, for jobs that exist.',
      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'job_id';
  END IF;
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_job_runs__check_job() IS
  'In place of a foreign key from reporting.job_runs to reporting.scheduled_jobs: a run''s job exists when the run is written or moved (23503) and is locked FOR KEY SHARE until commit. api.tick''s own runs are skipped: it holds their jobs already.';
REVOKE ALL ON FUNCTION internal.tg_job_runs__check_job() FROM PUBLIC;
