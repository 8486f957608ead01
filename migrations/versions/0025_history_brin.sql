-- 0025: every completed or failed attempt appends a row to
-- reporting.job_execution_history, in finished_at order. 0021 gave the
-- monitoring views' time windows a btree on finished_at, which is one more
-- b-tree insertion on the claim-and-complete path the job queue is measured
-- on (bench/claim.py). The rows arrive in time order, so a BRIN index answers
-- "the last hour / day / 30 days" as well, for almost nothing per insert.
DROP INDEX reporting.job_execution_history_finished_idx;
CREATE INDEX job_execution_history_finished_idx
  ON reporting.job_execution_history USING brin (finished_at);
