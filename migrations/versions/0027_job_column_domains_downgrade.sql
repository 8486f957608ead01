-- 0027 undone: the columns back to their base types, the rules back to table
-- CHECK constraints (as 0007 made them), the domains dropped.
DROP VIEW IF EXISTS api.job_duration_percentiles;
DROP VIEW IF EXISTS api.missed_runs_recent;
DROP TRIGGER IF EXISTS scheduled_jobs__prepare__update ON reporting.scheduled_jobs;
DROP TRIGGER IF EXISTS scheduled_jobs__audit__update ON reporting.scheduled_jobs;

ALTER TABLE reporting.scheduled_jobs
  ALTER COLUMN job_type TYPE text,
  ALTER COLUMN priority TYPE text,
  ALTER COLUMN timezone TYPE text,
  ALTER COLUMN max_attempts TYPE integer,
  ALTER COLUMN timeout TYPE interval,
  ALTER COLUMN catch_up TYPE text,
  ALTER COLUMN catch_up_limit TYPE integer,
  ALTER COLUMN payload TYPE jsonb,
  ADD CONSTRAINT scheduled_jobs_job_type_known CHECK (job_type IN ('aggregation', 'report', 'maintenance', 'sql')),
  ADD CONSTRAINT scheduled_jobs_priority_known CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  ADD CONSTRAINT scheduled_jobs_timezone_known CHECK ((timestamp '2000-01-01' AT TIME ZONE timezone) IS NOT NULL),
  ADD CONSTRAINT scheduled_jobs_max_attempts_at_least_one CHECK (max_attempts >= 1),
  ADD CONSTRAINT scheduled_jobs_timeout_positive CHECK (timeout > interval '0'),
  ADD CONSTRAINT scheduled_jobs_catch_up_known CHECK (catch_up IN ('skip', 'latest', 'all')),
  ADD CONSTRAINT scheduled_jobs_catch_up_limit_at_least_one CHECK (catch_up_limit >= 1),
  ADD CONSTRAINT scheduled_jobs_payload_object CHECK (jsonb_typeof(payload) = 'object');
COMMENT ON CONSTRAINT scheduled_jobs_max_attempts_at_least_one ON reporting.scheduled_jobs IS
  'max_attempts counts the first attempt too: 1 means never retry; 0 or less would never run.';
COMMENT ON CONSTRAINT scheduled_jobs_timezone_known ON reporting.scheduled_jobs IS
  'A zone PostgreSQL can convert with; an unknown name raises 22023 naming it.';

DROP DOMAIN reporting.job_type, reporting.job_priority, reporting.time_zone,
  reporting.catch_up_policy, reporting.positive_count, reporting.positive_interval, reporting.json_object;

DELETE FROM internal.applied_objects;
