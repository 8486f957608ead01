-- api.tick(now): enqueues every due run of every enabled job into reporting.job_runs, once.
CREATE OR REPLACE FUNCTION api.tick(p_now timestamptz DEFAULT now())
RETURNS TABLE (job_id bigint, run_id bigint, scheduled_for timestamptz)
LANGUAGE plpgsql
-- The schedules are joined back to their jobs by hash. The planner has no
-- statistics for the CTEs: it would rather sort all the due jobs by their
-- expression and zone for a merge join (0.1 s per 100,000 jobs), and its
-- guess at the cost calls for JIT compilation, which takes longer than it
-- saves in a statement that mostly writes rows.
SET enable_mergejoin = off
SET jit = off
AS $fn$
DECLARE
  v_careful boolean := false;
BEGIN
  /*
   * Called every minute (pg_cron, or `nightcap scheduler`). One statement:
   * lock the enabled jobs whose next_run_at has come, choose the occurrences
   * to enqueue, move each job's next_run_at past p_now and insert the runs
   * into the ledger, so the ledger rows and the new next_run_at commit
   * together or not at all (a tick that crashes leaves nothing half done).
   *
   * Exactly once: the ledger is unique on (job_id, scheduled_for), so a
   * retried tick, a tick after a crash or a second ticker cannot double a
   * run whatever else happens. Normally no due occurrence is in the ledger
   * yet (next_run_at is moved past each one enqueued), so the insert is a
   * plain INSERT, with no ON CONFLICT arbiter to consult per row (0.15 s
   * per 100,000 runs). When one is there after all (api.enqueue_run queued
   * that very occurrence by hand, or someone moved next_run_at back), the
   * insert fails with 23505; that attempt is undone (a subtransaction) and
   * the statement runs again with v_careful, leaving out the occurrences
   * the ledger has, as ON CONFLICT DO NOTHING would. A second 23505 (a run
   * committed by hand during the retry) is raised: the next tick retries.
   *
   * Concurrent tickers: the due jobs are taken FOR UPDATE SKIP LOCKED rather
   * than under one advisory lock. A second ticker does not wait: it skips the
   * jobs the first holds (which the first will advance) and takes any
   * others, and a row the first has already committed is re-read by
   * PostgreSQL (READ COMMITTED re-checks next_run_at <= p_now on the new
   * version), so it is no longer due. A job a person is editing at that
   * moment is skipped too rather than blocking the tick; the next tick
   * catches it up under its policy. So is a job whose edit commits between
   * this statement's start and its lock: the UPDATE finds the locked rows
   * by ctid (no index descent), and does not see that newer version; the
   * runs inserted are those of the jobs the UPDATE moved (its RETURNING),
   * so a job is advanced and enqueued together or not at all.
   *
   * Catch-up (reporting.scheduled_jobs.catch_up) when the due occurrences go
   * back further than this minute, e.g. after the ticker was down: `skip`
   * enqueues only an occurrence less than a minute old, `latest` only the
   * most recent, `all` the most recent catch_up_limit, oldest first
   * (internal.due_runs). Occurrences left out have no ledger row.
   *
   * Speed (bench/tick.py): nearly always a job has exactly one due
   * occurrence, next_run_at. The following one is computed once per
   * distinct (expression, zone, next_run_at), which many jobs share (every
   * 09:00 job of a zone), each expression parsed once (parsing is half the
   * cost of a cron_next call), and when it lies after p_now the job needs
   * nothing more (runs is NULL: the run is next_run_at); only overdue jobs
   * go through internal.due_runs.
   *
   * A run is enqueued `queued`, or `waiting` when its job has parents in
   * reporting.job_dependencies (a claim releases it when they have run).
   * The job's type and priority are copied into the run for the claim index.
   * Runs get their ids in (job, scheduled_for) order, which is the order of
   * the ledger's unique index (its entries go in one sweep; 0.09 s less per
   * 100,000 runs than in scheduled_for order) and keeps a job's runs oldest
   * first; claims order by priority and due time before run id anyway. They
   * are returned oldest first. Nothing is returned before the insert has
   * finished (the final ORDER BY reads it all first), so an attempt undone
   * by 23505 has returned no rows.
   */
  -- The runs inserted below are of jobs this statement holds locked and
  -- updates: internal.tg_job_runs__check_job need not hold them again.
  PERFORM set_config('nightcap.runs_of_locked_jobs', 'on', true);
  LOOP
    BEGIN
      RETURN QUERY
      WITH due AS MATERIALIZED (
        SELECT j.ctid AS tid, j.cron_expression, j.timezone, j.next_run_at, j.catch_up, j.catch_up_limit
          FROM reporting.scheduled_jobs j
         WHERE j.enabled AND j.next_run_at <= p_now
           FOR UPDATE SKIP LOCKED
      ), schedules AS MATERIALIZED (
        -- Once per distinct (expression, zone, next_run_at), each expression parsed once.
        SELECT g.cron_expression, g.timezone, g.next_run_at,
               internal.cron_next_parsed(c.cron, g.timezone, g.next_run_at) AS following
          FROM (SELECT DISTINCT e.cron_expression, e.timezone, e.next_run_at FROM due e) g
          JOIN (SELECT y.cron_expression, internal.cron_parse(y.cron_expression) AS cron
                  FROM due y
                 GROUP BY y.cron_expression) c  -- parsed once per group, not per joined row
            USING (cron_expression)
      ), plan AS (
        SELECT d.tid, d.next_run_at AS first_run,
               CASE WHEN s.following <= p_now
                    THEN internal.due_runs(d.cron_expression, d.timezone, d.next_run_at, p_now,
                                           d.catch_up, d.catch_up_limit)
                    WHEN d.catch_up = 'skip' AND d.next_run_at <= p_now - interval '1 minute'
                    THEN '{}'::timestamptz[] END AS runs,
               CASE WHEN s.following <= p_now
                    THEN api.cron_next(d.cron_expression, d.timezone, p_now)
                    ELSE s.following END AS following
          FROM due d
          JOIN schedules s USING (cron_expression, timezone, next_run_at)
      ), advanced AS (
        UPDATE reporting.scheduled_jobs j
           SET next_run_at = p.following,
               last_run_at = greatest(j.last_run_at, CASE WHEN p.runs IS NULL THEN p.first_run
                                                          ELSE p.runs[cardinality(p.runs)] END)
          FROM plan p
         WHERE j.ctid = p.tid
        RETURNING j.job_id, j.organization_id, j.job_type,
                  internal.priority_rank(j.priority) AS priority,
                  j.job_id IN (SELECT dep.child_job_id FROM reporting.job_dependencies dep) AS has_parents,
                  p.first_run, p.runs
      ), enqueued AS (
        INSERT INTO reporting.job_runs AS r
               (job_id, organization_id, job_type, priority, scheduled_for, run_after, status)
        SELECT o.job_id, o.organization_id, o.job_type, o.priority, o.scheduled_for, o.scheduled_for,
               CASE WHEN o.has_parents THEN 'waiting' ELSE 'queued' END
          FROM (SELECT a.job_id, a.organization_id, a.job_type, a.priority, a.has_parents,
                       a.first_run AS scheduled_for
                  FROM advanced a
                 WHERE a.runs IS NULL
                UNION ALL
                SELECT a.job_id, a.organization_id, a.job_type, a.priority, a.has_parents, u.scheduled_for
                  FROM advanced a
                 CROSS JOIN LATERAL unnest(a.runs) AS u(scheduled_for)
                 WHERE a.runs IS NOT NULL) o
         -- LIMIT 1 keeps this a per-row index probe (never a hash of the whole ledger).
         WHERE NOT (v_careful AND EXISTS (SELECT FROM reporting.job_runs x
                                           WHERE x.job_id = o.job_id AND x.scheduled_for = o.scheduled_for
                                           LIMIT 1))
         ORDER BY o.job_id, o.scheduled_for
        RETURNING r.job_id, r.run_id, r.scheduled_for
      )
      SELECT e.job_id, e.run_id, e.scheduled_for
        FROM enqueued e
       ORDER BY e.scheduled_for, e.run_id;
      PERFORM set_config('nightcap.runs_of_locked_jobs', 'off', true);
      RETURN;
    EXCEPTION WHEN unique_violation THEN
      IF v_careful THEN
        RAISE;
      END IF;
      v_careful := true;
    END;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION api.tick(timestamptz) IS
  'Enqueues every due run of every enabled scheduled job into reporting.job_runs (unique on job and scheduled time, so never twice, whatever the number of tickers or retries) and moves each job''s next_run_at past p_now. Overdue occurrences follow the job''s catch_up policy: skip (none older than a minute), latest (the most recent), all (the most recent catch_up_limit). Returns the runs enqueued, oldest first.';
REVOKE ALL ON FUNCTION api.tick(timestamptz) FROM PUBLIC;
