-- api.claim_jobs(worker, kinds, limit, lease, done): hands up to p_limit due runs to a worker, each with a lease.
CREATE OR REPLACE FUNCTION api.claim_jobs(
  p_worker text,
  p_kinds  text[] DEFAULT NULL,
  p_limit  integer DEFAULT 1,
  p_lease  interval DEFAULT '30 seconds',
  p_done   bigint[] DEFAULT NULL)
RETURNS TABLE (
  run_id           bigint,
  job_id           bigint,
  job_type         text,
  attempt          integer,
  scheduled_for    timestamptz,
  payload          jsonb,
  lease_expires_at timestamptz)
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_at      timestamptz := clock_timestamp();
  v_lease   timestamptz;
  v_waiting boolean;
  v_run_id  bigint;
BEGIN
  /*
   * p_done: runs this worker has finished successfully since its last
   * claim, completed first (api.complete_jobs, all or nothing), so a worker
   * loop costs one round trip and one commit per batch instead of two.
   *
   * Then the housekeeping every claim does, so no separate reaper is
   * needed: runs whose lease or timeout passed are taken back
   * (internal.reclaim_expired_runs) and waiting runs whose parents have
   * decided are queued or skipped (internal.release_waiting_runs). One
   * cheap look first (the earliest lease, whether any run waits) decides
   * whether either has anything to do; usually neither has, and calling
   * them anyway cost a tenth of a one-at-a-time claim.
   *
   * Then one statement: the first p_limit queued runs that are due, of the
   * kinds asked for (all when NULL), by priority (critical first), due time
   * and run id, locked FOR UPDATE SKIP LOCKED so concurrent workers each get
   * different runs without waiting on one another, and marked running with
   * attempt + 1, the worker's name, and a lease of p_lease, never past the
   * job's timeout. The worker renews it with api.heartbeat and ends the
   * attempt with api.complete_job or api.fail_job. Times are clock time,
   * not transaction time, so a long api.work transaction stamps each attempt
   * as it happens.
   */
  IF p_worker IS NULL OR btrim(p_worker) = '' THEN
    RAISE EXCEPTION 'claim_jobs: a worker name is required' USING ERRCODE = '22023';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 THEN
    RAISE EXCEPTION 'claim_jobs: p_limit must be at least 1, got %', p_limit USING ERRCODE = '22023';
  END IF;
  IF p_lease IS NULL OR p_lease <= interval '0' THEN
    RAISE EXCEPTION 'claim_jobs: p_lease must be positive, got %', p_lease USING ERRCODE = '22023';
  END IF;
  IF p_kinds IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM unnest(p_kinds) k
                WHERE k IS NULL OR k NOT IN ('aggregation', 'report', 'maintenance', 'sql')) THEN
      RAISE EXCEPTION 'claim_jobs: unknown job type in %', p_kinds USING ERRCODE = '22023',
        HINT = 'Job types are aggregation, report, maintenance and sql.';
    END IF;
  END IF;

  IF p_done IS NOT NULL THEN
    PERFORM api.complete_jobs(p_done, p_worker);
  END IF;

  -- Upkeep only when there is some: the earliest lease (a run has one
  -- exactly while it is running) and whether any run waits, read from the
  -- first entries of two small partial indexes.
  SELECT (SELECT min(r.lease_expires_at) FROM reporting.job_runs r WHERE r.lease_expires_at IS NOT NULL),
         EXISTS (SELECT FROM reporting.job_runs r WHERE r.status = 'waiting')
    INTO v_lease, v_waiting;
  IF v_lease <= v_at THEN
    PERFORM internal.reclaim_expired_runs(v_at);
  END IF;
  IF v_waiting THEN
    PERFORM internal.release_waiting_runs(v_at);
  END IF;

  IF p_limit = 1 THEN
    -- The same claim, for one run: with LIMIT 1 written out and the run
    -- updated by its id, both statements keep one cached plan (a LIMIT
    -- parameter makes PL/pgSQL plan the statement below afresh on every
    -- call, about 0.1 ms, which is a fifth of a one-at-a-time claim).
    SELECT r.run_id INTO v_run_id
      FROM reporting.job_runs r
     WHERE r.status = 'queued' AND r.run_after <= v_at
       AND (p_kinds IS NULL OR r.job_type = ANY (p_kinds))
     ORDER BY r.priority, r.run_after, r.run_id
     LIMIT 1
       FOR UPDATE SKIP LOCKED;
    IF v_run_id IS NOT NULL THEN
      RETURN QUERY
      UPDATE reporting.job_runs r
         SET status           = 'running',
             attempt          = r.attempt + 1,
             worker           = p_worker,
             started_at       = v_at,
             heartbeat_at     = v_at,
             timeout_at       = v_at + j.timeout,
             lease_expires_at = v_at + least(p_lease, j.timeout),
             finished_at      = NULL
        FROM reporting.scheduled_jobs j
       WHERE r.run_id = v_run_id AND j.job_id = r.job_id
      RETURNING r.run_id, r.job_id, r.job_type, r.attempt, r.scheduled_for, j.payload::jsonb, r.lease_expires_at;
    END IF;
    RETURN;
  END IF;

  RETURN QUERY
  WITH picked AS (
    SELECT r.run_id
      FROM reporting.job_runs r
     WHERE r.status = 'queued' AND r.run_after <= v_at
       AND (p_kinds IS NULL OR r.job_type = ANY (p_kinds))
     ORDER BY r.priority, r.run_after, r.run_id
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  )
  UPDATE reporting.job_runs r
     SET status           = 'running',
         attempt          = r.attempt + 1,
         worker           = p_worker,
         started_at       = v_at,
         heartbeat_at     = v_at,
         timeout_at       = v_at + j.timeout,
         lease_expires_at = v_at + least(p_lease, j.timeout),
         finished_at      = NULL
    FROM picked p, reporting.scheduled_jobs j
   WHERE r.run_id = p.run_id AND j.job_id = r.job_id
  RETURNING r.run_id, r.job_id, r.job_type, r.attempt, r.scheduled_for, j.payload::jsonb, r.lease_expires_at;
END
$fn$;

COMMENT ON FUNCTION api.claim_jobs(text, text[], integer, interval, bigint[]) IS
  'Claims up to p_limit due queued runs (of the job types p_kinds, all when NULL) for worker p_worker, by priority, due time and id, FOR UPDATE SKIP LOCKED, each with a lease of p_lease capped at the job''s timeout. First completes the runs p_done the worker reports finished, takes back runs whose lease or timeout passed and releases waiting runs whose parents have decided.';
REVOKE ALL ON FUNCTION api.claim_jobs(text, text[], integer, interval, bigint[]) FROM PUBLIC;
