-- internal.tg_scheduled_jobs__keep_runs(): a job that has runs cannot be deleted, truncated or renumbered.
CREATE OR REPLACE FUNCTION internal.tg_scheduled_jobs__keep_runs()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * The referenced side of the check internal.tg_job_runs__check_job makes
   * in place of a foreign key. A job's runs are its history (what ran, when,
   * how it went): a job that has any cannot be deleted or get another
   * job_id, exactly as the foreign key (NO ACTION) refused; disable it
   * instead. 23503.
   *   BEFORE DELETE OR UPDATE OF job_id, per row: PostgreSQL has locked the
   *     job row before calling this, so a transaction still inserting runs
   *     of it (which holds it updated: api.tick, or the no-op update of
   *     tg_job_runs__check_job) has committed by now, and this query, with
   *     a new snapshot, sees its runs. (Under REPEATABLE READ such a row
   *     fails the DELETE with 40001 before this is reached.)
   *   BEFORE TRUNCATE: refused while the ledger has any row, since TRUNCATE
   *     fires no row triggers. TRUNCATE takes an ACCESS EXCLUSIVE lock, so
   *     any transaction writing runs has ended first.
   */
  IF TG_OP = 'TRUNCATE' THEN
    IF EXISTS (SELECT FROM reporting.job_runs) THEN
      RAISE EXCEPTION USING
        ERRCODE = 'foreign_key_violation',
        MESSAGE = 'cannot truncate reporting.scheduled_jobs: reporting.job_runs refers to its jobs',
        HINT = 'Truncate reporting.job_runs first, or disable the jobs instead.',
        SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
  END IF;

  IF TG_OP = 'UPDATE' AND NEW.job_id = OLD.job_id THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT FROM reporting.job_runs r WHERE r.job_id = OLD.job_id) THEN
    RAISE EXCEPTION USING
      ERRCODE = 'foreign_key_violation',
      MESSAGE = format('scheduled job %s (%s) has runs in reporting.job_runs: it cannot be %s',
                       OLD.job_id, OLD.name,
                       CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'given another job_id' END),
      HINT = 'Disable the job instead (enabled = false): its runs are its history.',
      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$fn$;

COMMENT ON FUNCTION internal.tg_scheduled_jobs__keep_runs() IS
  'Refuses (23503) to delete, truncate or renumber scheduled jobs that reporting.job_runs refers to: the referenced side of internal.tg_job_runs__check_job, in place of a foreign key.';
REVOKE ALL ON FUNCTION internal.tg_scheduled_jobs__keep_runs() FROM PUBLIC;
