-- 0027: a scheduled job's one-column rules become domains. PostgreSQL checks
-- every CHECK constraint of a table on every UPDATE, whatever columns it
-- sets, and api.tick updates next_run_at and last_run_at of every due job
-- each minute: with 100,000 due jobs, the eight constraints below (the time
-- zone one looks the zone up) cost about 0.1 s of a 1 s tick. A domain's
-- check runs only where a value is given the domain's type (an INSERT, or an
-- UPDATE that sets that column), so the rules hold exactly as before, and
-- bad values fail with the same SQLSTATE (23514, 22023 for an unknown zone),
-- but for a payload that is not a JSON object: the domain refuses it (23514)
-- before the BEFORE trigger's internal.check_job_payload would (22023). The
-- tick's own updates no longer pay for them. bench/tick.py, 100,000 due
-- jobs, medians of 7 taken in turn: 1.02 s before, 0.91 s after.
-- The checks that read two columns (back-off, enabled without next run,
-- venue without organization) stay table constraints, and so does the name's
-- (a cheap one): the name is compared with text everywhere, which a domain
-- would make awkward (array_agg(name) would be an array of the domain).

-- Read the columns changed here; their db/ files make them again (below).
DROP VIEW IF EXISTS api.job_duration_percentiles;
DROP VIEW IF EXISTS api.missed_runs_recent;
DROP TRIGGER IF EXISTS scheduled_jobs__prepare__update ON reporting.scheduled_jobs;
DROP TRIGGER IF EXISTS scheduled_jobs__audit__update ON reporting.scheduled_jobs;

CREATE DOMAIN reporting.job_type AS text
  CONSTRAINT job_type_known CHECK (VALUE IN ('aggregation', 'report', 'maintenance', 'sql'));
COMMENT ON DOMAIN reporting.job_type IS 'What runs a job: aggregation, report, maintenance or sql.';
COMMENT ON CONSTRAINT job_type_known ON DOMAIN reporting.job_type IS
  'Only the job types api.work and the renderer know how to run.';

CREATE DOMAIN reporting.job_priority AS text
  CONSTRAINT job_priority_known CHECK (VALUE IN ('low', 'normal', 'high', 'critical'));
COMMENT ON DOMAIN reporting.job_priority IS 'A job''s priority: low, normal, high or critical (internal.priority_rank).';
COMMENT ON CONSTRAINT job_priority_known ON DOMAIN reporting.job_priority IS
  'Only the four priorities claims can order by.';

-- NULL passes, as in a table constraint: a job inserted without a zone has
-- NULL until its BEFORE trigger fills the venue's in, and the column's NOT
-- NULL is checked after that.
CREATE DOMAIN reporting.time_zone AS text
  CONSTRAINT time_zone_known CHECK (VALUE IS NULL OR (timestamp '2000-01-01' AT TIME ZONE VALUE) IS NOT NULL);
COMMENT ON DOMAIN reporting.time_zone IS 'An IANA time zone name PostgreSQL knows.';
COMMENT ON CONSTRAINT time_zone_known ON DOMAIN reporting.time_zone IS
  'A zone PostgreSQL can convert with; an unknown name raises 22023 naming it.';

CREATE DOMAIN reporting.catch_up_policy AS text
  CONSTRAINT catch_up_policy_known CHECK (VALUE IN ('skip', 'latest', 'all'));
COMMENT ON DOMAIN reporting.catch_up_policy IS 'What api.tick enqueues of occurrences it finds overdue: skip, latest or all.';
COMMENT ON CONSTRAINT catch_up_policy_known ON DOMAIN reporting.catch_up_policy IS
  'Only the three policies internal.due_runs knows.';

CREATE DOMAIN reporting.positive_count AS integer
  CONSTRAINT positive_count_at_least_one CHECK (VALUE >= 1);
COMMENT ON DOMAIN reporting.positive_count IS 'A count of at least one (max_attempts, catch_up_limit).';
COMMENT ON CONSTRAINT positive_count_at_least_one ON DOMAIN reporting.positive_count IS
  'max_attempts counts the first attempt too (1: never retry; 0 or less would never run); catch_up_limit 0 would catch up nothing under the policy all.';

CREATE DOMAIN reporting.positive_interval AS interval
  CONSTRAINT positive_interval_above_zero CHECK (VALUE > interval '0');
COMMENT ON DOMAIN reporting.positive_interval IS 'A length of time above zero (a job''s timeout).';
COMMENT ON CONSTRAINT positive_interval_above_zero ON DOMAIN reporting.positive_interval IS
  'A timeout of zero or less would time every attempt out at once.';

CREATE DOMAIN reporting.json_object AS jsonb
  CONSTRAINT json_object_is_object CHECK (jsonb_typeof(VALUE) = 'object');
COMMENT ON DOMAIN reporting.json_object IS 'A JSON object (a job''s payload).';
COMMENT ON CONSTRAINT json_object_is_object ON DOMAIN reporting.json_object IS
  'Payload keys are read by name (internal.check_job_payload): a scalar or array has none.';

ALTER TABLE reporting.scheduled_jobs
  DROP CONSTRAINT scheduled_jobs_job_type_known,
  DROP CONSTRAINT scheduled_jobs_priority_known,
  DROP CONSTRAINT scheduled_jobs_timezone_known,
  DROP CONSTRAINT scheduled_jobs_max_attempts_at_least_one,
  DROP CONSTRAINT scheduled_jobs_timeout_positive,
  DROP CONSTRAINT scheduled_jobs_catch_up_known,
  DROP CONSTRAINT scheduled_jobs_catch_up_limit_at_least_one,
  DROP CONSTRAINT scheduled_jobs_payload_object,
  ALTER COLUMN job_type TYPE reporting.job_type,
  ALTER COLUMN priority TYPE reporting.job_priority,
  ALTER COLUMN timezone TYPE reporting.time_zone,
  ALTER COLUMN max_attempts TYPE reporting.positive_count,
  ALTER COLUMN timeout TYPE reporting.positive_interval,
  ALTER COLUMN catch_up TYPE reporting.catch_up_policy,
  ALTER COLUMN catch_up_limit TYPE reporting.positive_count,
  ALTER COLUMN payload TYPE reporting.json_object;

-- The views and triggers dropped above: their files have not changed, so
-- forgetting their checksums makes `nightcap migrate` apply them again.
DELETE FROM internal.applied_objects
 WHERE path IN ('db/views/api/job_duration_percentiles.sql', 'db/views/api/missed_runs_recent.sql',
                'db/triggers/reporting/scheduled_jobs.sql');
