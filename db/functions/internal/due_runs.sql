-- internal.due_runs(expr, tz, first, now, catch_up, limit): the occurrences of an overdue job that api.tick enqueues.
CREATE OR REPLACE FUNCTION internal.due_runs(
  p_expr      text,
  p_tz        text,
  p_first     timestamptz,
  p_now       timestamptz,
  p_catch_up  text,
  p_limit     integer)
RETURNS timestamptz[]
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
  v_keep   integer := CASE p_catch_up WHEN 'all' THEN p_limit ELSE 1 END;
  v_window interval := interval '1 minute';
  v_cron   record;
  v_whole  boolean;
  v_runs   timestamptz[];
  v_t      timestamptz;
BEGIN
  /*
   * A job's due occurrences are p_first (its next_run_at) and every
   * occurrence of p_expr after it up to p_now; which of them to enqueue is
   * the job's catch-up policy:
   *   skip    those less than a minute old (at most one: cron's resolution
   *           is a minute), i.e. the run a working ticker would enqueue now;
   *   latest  the most recent one, however old;
   *   all     the most recent p_limit, oldest first.
   * Returned oldest first. Rather than walking every occurrence since p_first
   * (a minutely job down for a week has 10,080), it looks back from p_now
   * over windows of a minute, an hour, 60 hours, 150 days, ... until the
   * window holds enough occurrences or reaches back to p_first, so the walk
   * is about as long as the answer.
   */
  IF p_first > p_now THEN
    RETURN '{}';
  END IF;
  v_cron := internal.cron_parse(p_expr);  -- once, for every occurrence below
  LOOP
    v_whole := p_now - p_first < v_window;
    IF v_whole THEN
      v_runs := ARRAY[p_first];
      v_t := internal.cron_next_parsed(v_cron, p_tz, p_first);
    ELSE
      v_runs := '{}';
      v_t := internal.cron_next_parsed(v_cron, p_tz, p_now - v_window);
    END IF;
    WHILE v_t <= p_now LOOP
      v_runs := v_runs || v_t;
      v_t := internal.cron_next_parsed(v_cron, p_tz, v_t);
    END LOOP;
    EXIT WHEN v_whole OR p_catch_up = 'skip' OR cardinality(v_runs) >= v_keep;
    v_window := v_window * 60;
  END LOOP;
  RETURN v_runs[greatest(1, cardinality(v_runs) - v_keep + 1):];
END
$fn$;

COMMENT ON FUNCTION internal.due_runs(text, text, timestamptz, timestamptz, text, integer) IS
  'The occurrences api.tick enqueues for a job whose next run p_first is due at p_now, oldest first: skip = the one less than a minute old if any, latest = the most recent, all = the most recent p_limit.';
REVOKE ALL ON FUNCTION internal.due_runs(text, text, timestamptz, timestamptz, text, integer) FROM PUBLIC;
