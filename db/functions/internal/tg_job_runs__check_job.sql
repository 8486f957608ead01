-- internal.tg_job_runs__check_job(): a run's job exists, checked once per statement (in place of a FOREIGN KEY).
CREATE OR REPLACE FUNCTION internal.tg_job_runs__check_job()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_wanted  bigint;
  v_touched bigint;
  v_missing bigint;
BEGIN
  /*
   * reporting.job_runs.job_id refers to reporting.scheduled_jobs without a
   * declared FOREIGN KEY (migration 0013): a foreign key looks up and locks
   * the job once per inserted row, and api.tick inserts 100,000 runs in one
   * statement. This trigger and internal.tg_scheduled_jobs__keep_runs keep
   * the same promises:
   *   AFTER INSERT, per statement (new rows as `new_rows`): every run's job
   *     exists, else 23503. The jobs are then held against deletion until
   *     this transaction ends: each is given a no-op update (updated_at set
   *     to itself), so a DELETE of it waits, then finds the runs
   *     (tg_scheduled_jobs__keep_runs), and a REPEATABLE READ transaction
   *     that would delete it fails with 40001 instead of missing a run
   *     committed after its snapshot, as a foreign key's cross-check does.
   *   BEFORE UPDATE OF job_id, per row: a run moved to another job needs
   *     that job to exist, held the same way.
   * Run ids and the ledger's uniqueness are not this trigger's business:
   * the primary key and job_runs_once see to those.
   */
  IF TG_LEVEL = 'ROW' THEN
    IF NEW.job_id IS DISTINCT FROM OLD.job_id THEN
      UPDATE reporting.scheduled_jobs j SET updated_at = j.updated_at WHERE j.job_id = NEW.job_id;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING
          ERRCODE = 'foreign_key_violation',
          MESSAGE = format('run %s cannot move to scheduled job %s: no such job', OLD.run_id, NEW.job_id),
          SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'job_id';
      END IF;
    END IF;
    RETURN NEW;
  END IF;

  SELECT count(DISTINCT n.job_id) INTO v_wanted FROM new_rows n;
  UPDATE reporting.scheduled_jobs j SET updated_at = j.updated_at
   WHERE j.job_id IN (SELECT n.job_id FROM new_rows n);
  GET DIAGNOSTICS v_touched = ROW_COUNT;
  IF v_touched < v_wanted THEN
    SELECT n.job_id INTO v_missing
      FROM new_rows n
     WHERE NOT EXISTS (SELECT FROM reporting.scheduled_jobs j WHERE j.job_id = n.job_id)
     LIMIT 1;
  END IF;

  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION USING
      ERRCODE = 'foreign_key_violation',
      MESSAGE = format('run of scheduled job %s: no such job in reporting.scheduled_jobs', v_missing),
      HINT = 'Runs are enqueued by api.tick and api.enqueue_run for jobs that exist.',
      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = 'job_id';
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_job_runs__check_job() IS
  'In place of a foreign key from reporting.job_runs to reporting.scheduled_jobs: every inserted run''s job exists (one check per statement) and is held against deletion until commit; a run moved to another job needs that job. Raises 23503.';
REVOKE ALL ON FUNCTION internal.tg_job_runs__check_job() FROM PUBLIC;
