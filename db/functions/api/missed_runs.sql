-- api.missed_runs(from, to): the occurrences of each job's schedule in (from, to] that have no run in the ledger.
CREATE OR REPLACE FUNCTION api.missed_runs(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (job_id bigint, organization_id uuid, name text, scheduled_for timestamptz)
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  -- A week of a minutely job: the most occurrences one schedule may have in the window.
  c_max_occurrences CONSTANT integer := 10080;
  v_to      timestamptz;
  v_sched   record;
  v_t       timestamptz;
  v_n       integer;
  v_k       integer := 0;
  v_exprs   text[] := '{}';         -- the schedules walked: expression and zone, by index
  v_zones   text[] := '{}';
  v_keys    integer[] := '{}';      -- every occurrence found: its schedule's index and instant
  v_times   timestamptz[] := '{}';
BEGIN
  /*
   * Runs that should have happened and did not: each occurrence of a job's
   * cron expression (api.cron_next, on the job's own clock) in
   * (p_from, p_to] with no row in reporting.job_runs, oldest first per job.
   * Never later than now(): a window reaching into the future stops at now.
   *
   * Only while the job existed and was enabled with its current schedule,
   * as far as the table can tell: a job that is disabled now lists nothing,
   * and an enabled one counts from its last edit (updated_at; created_at
   * until it is first edited), because an edit may have switched it off and
   * on again, or changed its expression or zone, and neither leaves a trace
   * of when. Occurrences before that are not judged.
   *
   * Jobs sharing an expression and zone (every hourly London job) share one
   * walk. Each walk is bounded: a schedule with more than 10,080 occurrences
   * in the window (a minutely job over more than a week) raises 22023 naming
   * the job, rather than walking 525,600 minutes of a year or answering in
   * part; narrow the window.
   *
   * Runs that archive_job_history has deleted (finished more than 90 days
   * ago by default) look missed: keep windows inside what is kept.
   */
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('missed_runs: p_from and p_to are both required, got %s and %s',
                       coalesce(p_from::text, 'NULL'), coalesce(p_to::text, 'NULL'));
  END IF;
  IF p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('missed_runs: the window ends (%s) before it starts (%s)', p_to, p_from),
      HINT = 'Pass the earlier instant first: missed_runs(p_from, p_to).';
  END IF;
  v_to := least(p_to, now());

  FOR v_sched IN
    SELECT j.cron_expression, j.timezone,
           min(greatest(p_from, j.created_at, j.updated_at)) AS walk_from,
           (array_agg(format('%s (%s)', j.job_id, j.name) ORDER BY j.job_id))[1] AS example
      FROM reporting.scheduled_jobs j
     WHERE j.enabled AND greatest(p_from, j.created_at, j.updated_at) < v_to
     GROUP BY j.cron_expression, j.timezone
  LOOP
    v_k := v_k + 1;
    v_exprs := v_exprs || v_sched.cron_expression;
    v_zones := v_zones || v_sched.timezone;
    v_n := 0;
    v_t := api.cron_next(v_sched.cron_expression, v_sched.timezone, v_sched.walk_from);
    WHILE v_t <= v_to LOOP
      v_n := v_n + 1;
      IF v_n > c_max_occurrences THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
          MESSAGE = format('missed_runs: job %s has more than %s occurrences of %L (%s) between %s and %s',
                           v_sched.example, c_max_occurrences, v_sched.cron_expression, v_sched.timezone,
                           v_sched.walk_from, v_to),
          HINT = format('Narrow the window: the walk stopped at %s.', v_t);
      END IF;
      v_keys := v_keys || v_k;
      v_times := v_times || v_t;
      v_t := api.cron_next(v_sched.cron_expression, v_sched.timezone, v_t);
    END LOOP;
  END LOOP;

  RETURN QUERY
    SELECT j.job_id, j.organization_id, j.name, o.scheduled_for
      FROM unnest(v_keys, v_times) AS o(k, scheduled_for)
      JOIN unnest(v_exprs, v_zones) WITH ORDINALITY AS s(cron_expression, timezone, k) USING (k)
      JOIN reporting.scheduled_jobs j
        ON j.enabled AND j.cron_expression = s.cron_expression AND j.timezone = s.timezone
     WHERE o.scheduled_for > greatest(p_from, j.created_at, j.updated_at)
       AND NOT EXISTS (SELECT 1 FROM reporting.job_runs r
                        WHERE r.job_id = j.job_id AND r.scheduled_for = o.scheduled_for)
     ORDER BY j.job_id, o.scheduled_for;
END
$fn$;

COMMENT ON FUNCTION api.missed_runs(timestamptz, timestamptz) IS
  'Runs that should have happened and have no ledger row: each enabled job''s occurrences in (p_from, p_to], never later than now(), counted from the job''s creation or last edit. 22023 for a missing or reversed window, or one holding more than 10,080 occurrences (a minutely week) of a schedule.';
REVOKE ALL ON FUNCTION api.missed_runs(timestamptz, timestamptz) FROM PUBLIC;
