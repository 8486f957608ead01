-- 0017: the lease index is kept by the lease, not by the status.
--
-- job_runs_lease_idx was partial on status = 'running'. Completing a run
-- (api.complete_jobs) looks the run up by id AND status = 'running', and the
-- planner, from statistics saying a handful of runs are running, often chose
-- to read that whole partial index instead of the primary key: every
-- completed run leaves a dead entry there until vacuum, so the lookup walked
-- thousands of them (seen as a hash join over the lease index in one
-- completion of six at 2 workers, and always in the generic plan).
-- Partial on lease_expires_at IS NOT NULL it holds the same rows (a run has
-- a lease exactly while it is running: the claim sets it, api.complete_jobs
-- and internal.end_attempt clear it), the reclaim's range condition on
-- lease_expires_at still selects it, and a lookup by status alone cannot.
DROP INDEX reporting.job_runs_lease_idx;
CREATE INDEX job_runs_lease_idx ON reporting.job_runs (lease_expires_at)
  WHERE lease_expires_at IS NOT NULL;
COMMENT ON INDEX reporting.job_runs_lease_idx IS
  'The running runs by lease expiry, for the reclaim every claim does (internal.reclaim_expired_runs). Partial on the lease, not on status, so that lookups of a run by id and status use the primary key.';
