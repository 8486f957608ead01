-- api.tick(now): enqueues every due run of every enabled job into reporting.job_runs, once.
CREATE OR REPLACE FUNCTION api.tick(p_now timestamptz DEFAULT now())
RETURNS TABLE (job_id bigint, run_id bigint, scheduled_for timestamptz)
LANGUAGE sql
AS $fn$
  /*
   * Called every minute (pg_cron, or `nightcap scheduler`). One statement:
   * lock the enabled jobs whose next_run_at has come, choose the occurrences
   * to enqueue, insert them into the ledger and move each job's next_run_at
   * past p_now, so the ledger rows and the new next_run_at commit together or
   * not at all (a tick that crashes leaves nothing half done).
   *
   * Exactly once: the ledger is unique on (job_id, scheduled_for) and the
   * insert is ON CONFLICT DO NOTHING, so a retried tick, a tick after a
   * crash or a second ticker cannot double a run whatever else happens.
   * Concurrent tickers: the due jobs are taken FOR UPDATE SKIP LOCKED rather
   * than under one advisory lock. A second ticker does not wait: it skips the
   * jobs the first holds (which the first will advance) and takes any
   * others, and a row the first has already committed is re-read by
   * PostgreSQL (READ COMMITTED re-checks next_run_at <= p_now on the new
   * version), so it is no longer due. A job a person is editing at that moment
   * is skipped too rather than blocking the tick; the next tick catches it
   * up under its policy.
   *
   * Catch-up (reporting.scheduled_jobs.catch_up) when the due occurrences go
   * back further than this minute, e.g. after the ticker was down: `skip`
   * enqueues only an occurrence less than a minute old, `latest` only the
   * most recent, `all` the most recent catch_up_limit, oldest first
   * (internal.due_runs). Occurrences left out have no ledger row.
   *
   * Speed: nearly always a job has exactly one due occurrence, next_run_at.
   * The following one is computed once per distinct (expression, zone,
   * next_run_at), which many jobs share (every 09:00 job of a zone), and
   * when it lies after p_now the job needs nothing more; only overdue jobs
   * go through internal.due_runs. Returns the runs it enqueued, oldest first.
   *
   * A run is enqueued `queued`, or `waiting` when its job has parents in
   * reporting.job_dependencies (a claim releases it when they have run).
   * The job's type and priority are copied into the run for the claim index.
   */
  WITH due AS MATERIALIZED (
    SELECT j.job_id, j.organization_id, j.job_type, j.cron_expression, j.timezone, j.next_run_at,
           j.catch_up, j.catch_up_limit,
           internal.priority_rank(j.priority) AS priority,
           j.job_id IN (SELECT d.child_job_id FROM reporting.job_dependencies d) AS has_parents
      FROM reporting.scheduled_jobs j
     WHERE j.enabled AND j.next_run_at <= p_now
       FOR UPDATE SKIP LOCKED
  ), schedules AS MATERIALIZED (
    SELECT s.cron_expression, s.timezone, s.next_run_at,
           api.cron_next(s.cron_expression, s.timezone, s.next_run_at) AS following
      FROM (SELECT DISTINCT d.cron_expression, d.timezone, d.next_run_at FROM due d) s
  ), plan AS MATERIALIZED (
    SELECT d.job_id, d.organization_id, d.job_type, d.priority, d.has_parents,
           CASE WHEN s.following <= p_now
                THEN internal.due_runs(d.cron_expression, d.timezone, d.next_run_at, p_now,
                                       d.catch_up, d.catch_up_limit)
                WHEN d.catch_up = 'skip' AND d.next_run_at <= p_now - interval '1 minute'
                THEN '{}'::timestamptz[]
                ELSE ARRAY[d.next_run_at] END AS runs,
           CASE WHEN s.following <= p_now
                THEN api.cron_next(d.cron_expression, d.timezone, p_now)
                ELSE s.following END AS following
      FROM due d
      JOIN schedules s USING (cron_expression, timezone, next_run_at)
  ), enqueued AS (
    INSERT INTO reporting.job_runs AS r
           (job_id, organization_id, job_type, priority, scheduled_for, run_after, status)
    SELECT p.job_id, p.organization_id, p.job_type, p.priority, o.scheduled_for, o.scheduled_for,
           CASE WHEN p.has_parents THEN 'waiting' ELSE 'queued' END
      FROM plan p
     CROSS JOIN LATERAL unnest(p.runs) AS o(scheduled_for)
     ORDER BY o.scheduled_for, p.priority, p.job_id
        ON CONFLICT ON CONSTRAINT job_runs_once DO NOTHING
    RETURNING r.job_id, r.run_id, r.scheduled_for
  ), advanced AS (
    UPDATE reporting.scheduled_jobs j
       SET next_run_at = p.following,
           last_run_at = greatest(j.last_run_at, p.runs[cardinality(p.runs)])
      FROM plan p
     WHERE j.job_id = p.job_id
  )
  SELECT e.job_id, e.run_id, e.scheduled_for
    FROM enqueued e
   ORDER BY e.scheduled_for, e.run_id
$fn$;

COMMENT ON FUNCTION api.tick(timestamptz) IS
  'Enqueues every due run of every enabled scheduled job into reporting.job_runs (unique on job and scheduled time, so never twice, whatever the number of tickers or retries) and moves each job''s next_run_at past p_now. Overdue occurrences follow the job''s catch_up policy: skip (none older than a minute), latest (the most recent), all (the most recent catch_up_limit). Returns the runs enqueued, oldest first.';
REVOKE ALL ON FUNCTION api.tick(timestamptz) FROM PUBLIC;
