-- api.tick(now): enqueues every due run of every enabled job into reporting.job_runs, once.
CREATE OR REPLACE FUNCTION api.tick(p_now timestamptz DEFAULT now())
RETURNS TABLE (job_id bigint, run_id bigint, scheduled_for timestamptz)
LANGUAGE plpgsql
-- The planner has no statistics for the CTEs: it would rather sort the due
-- jobs for a merge join than hash the handful of schedule groups, and its
-- guess at the cost calls for JIT compilation, which takes longer than it
-- saves in a statement that mostly writes rows.
SET enable_mergejoin = off
SET jit = off
-- How long the first attempt waits for a job row another transaction holds
-- (see "Locks" below) before going around it.
SET lock_timeout = '1s'
AS $fn$
DECLARE
  v_careful      boolean := false;  -- leave out occurrences the ledger already has
  v_skip_locked  boolean := false;  -- go around jobs another transaction holds
BEGIN
  /*
   * Called every minute (pg_cron, or `nightcap scheduler`). One statement:
   * choose the occurrences to enqueue for each enabled job whose next_run_at
   * has come, move its next_run_at past p_now and insert the runs into the
   * ledger, so the ledger rows and the new next_run_at commit together or
   * not at all (a tick that crashes leaves nothing half done).
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
   * Groups: the due jobs are read once (no lock) and grouped by what decides
   * their runs: expression, zone, next_run_at and catch-up policy. What to
   * enqueue and the following occurrence are computed once per group (every
   * 09:00 job of a zone is one group; each expression is parsed once, which
   * is half the cost of a cron_next call), and the UPDATE joins the jobs to
   * their group by hash. Nearly always a group's one due occurrence is
   * next_run_at and the following one lies after p_now (runs is NULL: the
   * run is next_run_at); only overdue groups go through internal.due_runs.
   *
   * Locks: the UPDATE locks each job it advances. A job another transaction
   * holds (a second ticker, a person editing it) makes the first attempt
   * wait, up to lock_timeout (1 s); by then a second ticker has committed,
   * and PostgreSQL re-reads its rows (READ COMMITTED re-checks the join on
   * the new version, whose next_run_at has moved: no longer due). A holder
   * that stays longer, a person with a transaction open, say, makes the
   * attempt fail with 55P03: it is undone and the statement runs again with
   * v_skip_locked, advancing only the jobs it can lock at once (FOR UPDATE
   * SKIP LOCKED), so one held job never stalls everybody's schedule; the
   * next tick catches it up under its policy. The fast path has no separate
   * locking pass: it measured 0.15 s less per 100,000 due jobs than locking
   * them all first and finding them again by ctid. A job whose edit commits
   * during the statement is re-checked the same way: changed, it no longer
   * matches its group and waits for the next tick. The runs inserted are
   * those of the jobs the UPDATE moved (its RETURNING), so a job is advanced
   * and enqueued together or not at all.
   *
   * Catch-up (reporting.scheduled_jobs.catch_up) when the due occurrences go
   * back further than this minute, e.g. after the ticker was down: `skip`
   * enqueues only an occurrence less than a minute old, `latest` only the
   * most recent, `all` the most recent catch_up_limit, oldest first
   * (internal.due_runs). Occurrences left out have no ledger row.
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
   * by 23505 or 55P03 has returned no rows.
   *
   * The statement is one text with one switch, the skip-locked filter, put
   * in by format(); it is planned at each tick (a millisecond a minute).
   */
  -- The runs inserted below are of jobs this statement holds locked and
  -- updates: internal.tg_job_runs__check_job need not hold them again.
  PERFORM set_config('nightcap.runs_of_locked_jobs', 'on', true);
  LOOP
    BEGIN
      RETURN QUERY EXECUTE format($sql$
      WITH groups AS MATERIALIZED (
        SELECT j.cron_expression, j.timezone, j.next_run_at, j.catch_up, j.catch_up_limit,
               min(j.job_id) AS first_job_id
          FROM reporting.scheduled_jobs j
         WHERE j.enabled AND j.next_run_at <= $1
         GROUP BY 1, 2, 3, 4, 5
      ), parsed AS MATERIALIZED (
        SELECT e.cron_expression, internal.cron_parse(e.cron_expression) AS cron
          FROM (SELECT DISTINCT g.cron_expression FROM groups g) e
      ), nexts AS MATERIALIZED (
        -- Materialised: each group's following occurrence computed once, not
        -- once for every place plan below reads it.
        SELECT g.*, internal.cron_next_parsed(c.cron, g.timezone, g.next_run_at) AS following
          FROM groups g
          JOIN parsed c USING (cron_expression)
      ), plan AS MATERIALIZED (
        SELECT n.cron_expression, n.timezone, n.next_run_at, n.catch_up, n.catch_up_limit,
               CASE WHEN n.following <= $1
                    THEN internal.due_runs(n.cron_expression, n.timezone, n.next_run_at, $1,
                                           n.catch_up, n.catch_up_limit)
                    WHEN n.catch_up = 'skip' AND n.next_run_at <= $1 - interval '1 minute'
                    THEN '{}'::timestamptz[] END AS runs,
               CASE WHEN n.following <= $1
                    THEN api.cron_next(n.cron_expression, n.timezone, $1)
                    ELSE n.following END AS following
          FROM nexts n
         -- In job order: where there are as many groups as jobs (every job a
         -- schedule of its own), the UPDATE below reaches the jobs in this
         -- order, which is the order they lie in, not at random.
         ORDER BY n.first_job_id
      ), advanced AS (
        UPDATE reporting.scheduled_jobs j
           SET next_run_at = p.following,
               last_run_at = greatest(j.last_run_at, CASE WHEN p.runs IS NULL THEN p.next_run_at
                                                          ELSE p.runs[cardinality(p.runs)] END)
          FROM plan p
         WHERE j.enabled AND j.next_run_at <= $1
           AND j.cron_expression = p.cron_expression AND j.timezone = p.timezone
           AND j.next_run_at = p.next_run_at AND j.catch_up = p.catch_up
           AND j.catch_up_limit = p.catch_up_limit
           %s
        RETURNING j.job_id, j.organization_id, j.job_type,
                  internal.priority_rank(j.priority) AS priority,
                  j.job_id IN (SELECT dep.child_job_id FROM reporting.job_dependencies dep) AS has_parents,
                  p.next_run_at AS first_run, p.runs
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
         WHERE NOT ($2 AND EXISTS (SELECT FROM reporting.job_runs x
                                    WHERE x.job_id = o.job_id AND x.scheduled_for = o.scheduled_for
                                    LIMIT 1))
         ORDER BY o.job_id, o.scheduled_for
        RETURNING r.job_id, r.run_id, r.scheduled_for
      )
      SELECT e.job_id, e.run_id, e.scheduled_for
        FROM enqueued e
       ORDER BY e.scheduled_for, e.run_id
      $sql$,
        CASE WHEN v_skip_locked THEN
          'AND j.ctid IN (SELECT x.ctid FROM reporting.scheduled_jobs x'
          ' WHERE x.enabled AND x.next_run_at <= $1 FOR UPDATE SKIP LOCKED)'
        ELSE '' END)
        USING p_now, v_careful;
      PERFORM set_config('nightcap.runs_of_locked_jobs', 'off', true);
      RETURN;
    EXCEPTION
      WHEN unique_violation THEN
        IF v_careful THEN
          RAISE;
        END IF;
        v_careful := true;
      WHEN lock_not_available THEN
        IF v_skip_locked THEN
          RAISE;
        END IF;
        v_skip_locked := true;
    END;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION api.tick(timestamptz) IS
  'Enqueues every due run of every enabled scheduled job into reporting.job_runs (unique on job and scheduled time, so never twice, whatever the number of tickers or retries) and moves each job''s next_run_at past p_now. Overdue occurrences follow the job''s catch_up policy: skip (none older than a minute), latest (the most recent), all (the most recent catch_up_limit). Returns the runs enqueued, oldest first.';
REVOKE ALL ON FUNCTION api.tick(timestamptz) FROM PUBLIC;
