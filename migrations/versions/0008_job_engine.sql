-- 0008: the job engine on top of the run ledger: claiming with leases,
-- retries with back-off, every attempt's history, dependencies between jobs,
-- and alert rules with the events they raise.

-- What a worker needs to pick a run without reading the job: its type and
-- priority are copied from the job when the run is enqueued (a job's later
-- edits do not reorder runs already queued).
ALTER TABLE reporting.job_runs
  ADD COLUMN job_type         text,
  ADD COLUMN priority         smallint NOT NULL DEFAULT 2,
  ADD COLUMN run_after        timestamptz,
  ADD COLUMN worker           text,
  ADD COLUMN started_at       timestamptz,
  ADD COLUMN heartbeat_at     timestamptz,
  ADD COLUMN lease_expires_at timestamptz,
  ADD COLUMN timeout_at       timestamptz,
  ADD COLUMN finished_at      timestamptz,
  ADD COLUMN result           jsonb,
  ADD COLUMN error_sqlstate   text,
  ADD COLUMN error_message    text,
  ADD COLUMN skip_reason      text;

UPDATE reporting.job_runs r
   SET job_type = j.job_type,
       priority = array_position('{critical,high,normal,low}'::text[], j.priority) - 1,
       run_after = r.scheduled_for
  FROM reporting.scheduled_jobs j
 WHERE j.job_id = r.job_id;

ALTER TABLE reporting.job_runs
  ALTER COLUMN job_type SET NOT NULL,
  ALTER COLUMN run_after SET NOT NULL,
  DROP CONSTRAINT job_runs_status_known,
  ADD CONSTRAINT job_runs_status_known CHECK (
    status IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
  ADD CONSTRAINT job_runs_priority_known CHECK (priority BETWEEN 0 AND 3),
  ADD CONSTRAINT job_runs_running_has_lease CHECK (
    status <> 'running' OR (worker IS NOT NULL AND started_at IS NOT NULL
                            AND lease_expires_at IS NOT NULL AND timeout_at IS NOT NULL)),
  ADD CONSTRAINT job_runs_error_sqlstate_form CHECK (error_sqlstate ~ '^[0-9A-Z]{5}$');

COMMENT ON COLUMN reporting.job_runs.status IS
  'waiting (for a parent job''s run, reporting.job_dependencies) → queued → running → succeeded | failed (attempts used up) | skipped (a parent under condition success did not succeed) | cancelled. A failed attempt with attempts left goes back to queued with run_after moved on by the back-off.';
COMMENT ON COLUMN reporting.job_runs.priority IS
  '0 critical, 1 high, 2 normal, 3 low: the job''s priority when the run was enqueued. Claims take the lowest number first.';
COMMENT ON COLUMN reporting.job_runs.run_after IS
  'When the run may next be claimed: scheduled_for, then after a failed attempt the back-off''s retry time.';
COMMENT ON COLUMN reporting.job_runs.lease_expires_at IS
  'While running: the worker holds the run until then (api.heartbeat renews it, never past timeout_at). After it, the next claim takes the run back.';
COMMENT ON COLUMN reporting.job_runs.timeout_at IS
  'While running: started_at plus the job''s timeout; an attempt still running then is reclaimed as timed out.';
COMMENT ON COLUMN reporting.job_runs.attempt IS
  'Attempts started so far: 0 while queued for the first time, 1 during the first attempt.';

-- Claims read the queued runs in claim order from a small partial index.
CREATE INDEX job_runs_claim_idx ON reporting.job_runs (priority, run_after, run_id)
  WHERE status = 'queued';
-- Each claim first takes back the runs whose lease has expired.
CREATE INDEX job_runs_lease_idx ON reporting.job_runs (lease_expires_at)
  WHERE status = 'running';
-- Runs waiting for their parents are looked at on each claim; there are few.
CREATE INDEX job_runs_waiting_idx ON reporting.job_runs (job_id, scheduled_for)
  WHERE status = 'waiting';

CREATE TABLE reporting.job_execution_history (
  history_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id          bigint NOT NULL REFERENCES reporting.job_runs ON DELETE CASCADE,
  job_id          bigint NOT NULL,
  organization_id uuid,
  attempt         integer NOT NULL,
  worker          text NOT NULL,
  status          text NOT NULL,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  duration        interval GENERATED ALWAYS AS (finished_at - started_at) STORED,
  rows_processed  bigint,
  sqlstate        text,
  message         text,
  result          jsonb,
  cpu_ms          numeric,
  memory_kb       bigint,
  retry_at        timestamptz,
  CONSTRAINT job_execution_history_attempt_once UNIQUE (run_id, attempt),
  CONSTRAINT job_execution_history_status_known CHECK (
    status IN ('succeeded', 'failed', 'timed_out', 'lease_expired')),
  CONSTRAINT job_execution_history_failure_has_sqlstate CHECK (
    (status = 'succeeded') = (sqlstate IS NULL)),
  CONSTRAINT job_execution_history_sqlstate_form CHECK (sqlstate ~ '^[0-9A-Z]{5}$'),
  CONSTRAINT job_execution_history_finished_after_start CHECK (finished_at >= started_at)
);
CREATE INDEX job_execution_history_job_idx ON reporting.job_execution_history (job_id, finished_at);
COMMENT ON TABLE reporting.job_execution_history IS
  'One row per finished attempt of a run, written as the attempt ends (api.complete_job, api.fail_job, or a claim that took back an expired lease). Attempts in progress are the running rows of reporting.job_runs.';
COMMENT ON COLUMN reporting.job_execution_history.status IS
  'succeeded; failed (the worker reported an error); timed_out (still running at the job''s timeout, SQLSTATE 57014); lease_expired (the worker stopped renewing its lease: it crashed or lost its connection, SQLSTATE 08006).';
COMMENT ON COLUMN reporting.job_execution_history.retry_at IS
  'When the run was queued again after this attempt; NULL when this was its last attempt.';
COMMENT ON COLUMN reporting.job_execution_history.cpu_ms IS
  'CPU time the worker reported for the attempt (result key cpu_ms), where it could measure it.';
COMMENT ON COLUMN reporting.job_execution_history.memory_kb IS
  'Peak memory the worker reported for the attempt (result key memory_kb), where it could measure it.';

CREATE TABLE reporting.job_dependencies (
  child_job_id  bigint NOT NULL REFERENCES reporting.scheduled_jobs ON DELETE CASCADE,
  parent_job_id bigint NOT NULL REFERENCES reporting.scheduled_jobs ON DELETE CASCADE,
  condition     text NOT NULL DEFAULT 'success',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (child_job_id, parent_job_id),
  CONSTRAINT job_dependencies_condition_known CHECK (condition IN ('completion', 'success', 'always')),
  CONSTRAINT job_dependencies_not_self CHECK (child_job_id <> parent_job_id)
);
CREATE INDEX job_dependencies_parent_idx ON reporting.job_dependencies (parent_job_id);
COMMENT ON TABLE reporting.job_dependencies IS
  'A child job''s run waits for its parent''s run of the same period: the parent''s latest run scheduled after the child''s previous run and no later than this one. Cycles are refused (23514).';
COMMENT ON COLUMN reporting.job_dependencies.condition IS
  'success: the parent''s run must succeed, else the child''s run is skipped with the reason; completion: it must finish, whatever the outcome; always: the child waits only while the parent''s run is queued or running, and runs even when the parent had no run.';

CREATE TABLE reporting.job_alerts (
  alert_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id    uuid REFERENCES venue.organizations,
  job_id             bigint REFERENCES reporting.scheduled_jobs ON DELETE CASCADE,
  name               text NOT NULL,
  alert_type         text NOT NULL,
  threshold_count    integer,
  threshold_duration interval,
  grace_period       interval NOT NULL DEFAULT '1 hour',
  channels           jsonb NOT NULL DEFAULT '[]',
  enabled            boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT job_alerts_name_present CHECK (btrim(name) <> ''),
  CONSTRAINT job_alerts_type_known CHECK (
    alert_type IN ('failure', 'consecutive_failures', 'timeout', 'slow', 'missed_run')),
  CONSTRAINT job_alerts_consecutive_needs_count CHECK (
    (alert_type = 'consecutive_failures') = (threshold_count IS NOT NULL)),
  CONSTRAINT job_alerts_count_at_least_two CHECK (threshold_count >= 2),
  CONSTRAINT job_alerts_slow_needs_duration CHECK (
    (alert_type = 'slow') = (threshold_duration IS NOT NULL)),
  CONSTRAINT job_alerts_duration_positive CHECK (threshold_duration > interval '0'),
  CONSTRAINT job_alerts_grace_not_negative CHECK (grace_period >= interval '0'),
  CONSTRAINT job_alerts_channels_array CHECK (jsonb_typeof(channels) = 'array')
);
CREATE INDEX job_alerts_job_idx ON reporting.job_alerts (job_id) WHERE enabled;
COMMENT ON TABLE reporting.job_alerts IS
  'Alert rules: for one job (job_id), or every job of an organization (job_id NULL), or every system job (both NULL). failure: an attempt failed; consecutive_failures: the last threshold_count attempts all failed; timeout: an attempt timed out; slow: an attempt took longer than threshold_duration; missed_run: an occurrence of the schedule has no run.';
COMMENT ON COLUMN reporting.job_alerts.grace_period IS
  'After an alert event for a job, the same rule on the same job only counts further occurrences into that event until the period has passed, so one outage raises one event, not a hundred.';
COMMENT ON COLUMN reporting.job_alerts.channels IS
  'Where the event is sent: a JSON array of {"type": "email" | "sms" | "webhook" | "slack", "target": ...}. Delivery is the renderer''s (Step 6); the database records and NOTIFYs.';

CREATE TABLE reporting.job_alert_events (
  event_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id        bigint NOT NULL REFERENCES reporting.job_alerts ON DELETE CASCADE,
  job_id          bigint NOT NULL REFERENCES reporting.scheduled_jobs ON DELETE CASCADE,
  organization_id uuid,
  run_id          bigint REFERENCES reporting.job_runs ON DELETE SET NULL,
  alert_type      text NOT NULL,
  message         text NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}',
  raised_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now(),
  occurrences     integer NOT NULL DEFAULT 1,
  notified_at     timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  CONSTRAINT job_alert_events_occurrences_positive CHECK (occurrences >= 1)
);
CREATE INDEX job_alert_events_open_idx ON reporting.job_alert_events (alert_id, job_id, raised_at);
COMMENT ON TABLE reporting.job_alert_events IS
  'Alerts raised by reporting.job_alerts rules. Within a rule''s grace period further matches on the same job add to occurrences and last_seen_at of the open event instead of raising another.';
