-- internal.priority_rank(priority): a job priority as the number claims order by.
CREATE OR REPLACE FUNCTION internal.priority_rank(p_priority text)
RETURNS smallint
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * critical 0, high 1, normal 2, low 3: reporting.job_runs.priority, copied
   * from the job when a run is enqueued (api.tick, api.enqueue_run). One
   * expression, so it is inlined into api.tick's statement.
   */
  SELECT (array_position('{critical,high,normal,low}'::text[], p_priority) - 1)::smallint
$fn$;

COMMENT ON FUNCTION internal.priority_rank(text) IS
  'A job priority (critical, high, normal, low) as the 0-3 rank a run is claimed by, critical first.';
REVOKE ALL ON FUNCTION internal.priority_rank(text) FROM PUBLIC;
