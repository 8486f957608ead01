-- 0010: a queue table churns: every run is inserted, updated to running, then
-- to succeeded, and each update leaves a dead entry at the head of the
-- claim index (status = 'queued'), which every claim walks past until vacuum
-- removes it. With the default trigger (20% of the table changed) a ledger
-- of a million runs would not be vacuumed for 200,000 changes; draining
-- 18,000 runs without a vacuum took a claim from 3 to 76 index pages read
-- (0.55 to 2.2 ms). Vacuum it after every 1,000 dead rows, without the cost
-- delay: vacuuming the ledger takes milliseconds.
ALTER TABLE reporting.job_runs SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0,
  autovacuum_analyze_scale_factor = 0,
  autovacuum_analyze_threshold = 5000
);

-- Signatures replaced by the db/ files of this revision: a changed argument
-- list is a new function, so the old one is dropped here.
DROP FUNCTION IF EXISTS api.claim_jobs(text, text[], integer, interval);
DROP FUNCTION IF EXISTS internal.end_attempt(reporting.job_runs, text, text, text, jsonb, timestamptz);
