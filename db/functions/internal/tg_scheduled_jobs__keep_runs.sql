-- internal.tg_scheduled_jobs__keep_runs(): a job that has runs cannot be deleted, truncated or renumbered.
-- SECURITY DEFINER: keeps the engine's run ledger in step with a job an admin changes through RLS; the ledger is not theirs to write.
CREATE OR REPLACE FUNCTION internal.tg_scheduled_jobs__keep_runs()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
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
   *     of it (which holds it: api.tick locked and updated it, anyone else
   *     locked it FOR KEY SHARE in tg_job_runs__check_job) has committed by
   *     now, and this query, with a new snapshot, sees its runs.
   *   BEFORE TRUNCATE: refused while the ledger has any row, since TRUNCATE
   *     fires no row triggers. TRUNCATE takes an ACCESS EXCLUSIVE lock, so
   *     any transaction writing runs has ended first.
   * Only under READ COMMITTED: a REPEATABLE READ or SERIALIZABLE snapshot
   * keeps not seeing runs committed after it was taken (a foreign key checks
   * those with a second, newer snapshot, which a trigger cannot take), so
   * there the delete is refused (0A000) rather than risked.
   */
  IF TG_OP = 'UPDATE' THEN
    IF NEW.job_id = OLD.job_id THEN
      RETURN NEW;
    END IF;
  END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION USING
      ERRCODE = 'feature_not_supported',
      MESSAGE = format('scheduled jobs can be %s only in a READ COMMITTED transaction, not %s',
                       CASE TG_OP WHEN 'DELETE' THEN 'deleted' WHEN 'TRUNCATE' THEN 'truncated'
                                  ELSE 'given another job_id' END,
                       upper(current_setting('transaction_isolation'))),
      HINT = 'A snapshot taken earlier could miss runs enqueued since; delete in a READ COMMITTED transaction.',
      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME;
  END IF;

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
  'Refuses (23503) to delete, truncate or renumber scheduled jobs that reporting.job_runs refers to: the referenced side of internal.tg_job_runs__check_job, in place of a foreign key. Outside READ COMMITTED refuses any (0A000).';
REVOKE ALL ON FUNCTION internal.tg_scheduled_jobs__keep_runs() FROM PUBLIC;
