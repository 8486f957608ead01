-- api.cron_next(expr, tz, after): the earliest run of a cron expression, on the wall clock of zone tz, strictly after `after`.
CREATE OR REPLACE FUNCTION api.cron_next(p_expr text, p_tz text, p_after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
  v_cron  record;
  v_local timestamp;
BEGIN
  /*
   * Checks its arguments, parses the expression (internal.cron_parse) and
   * finds the run with internal.cron_next_parsed, which says how.
   */
  IF p_tz IS NULL OR p_after IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = format('cron_next needs a %s', CASE WHEN p_tz IS NULL THEN 'time zone' ELSE 'time to start after' END),
      HINT = 'Call api.cron_next(expression, ''Europe/London'', now()).';
  END IF;
  IF NOT isfinite(p_after) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('cron_next needs a finite time to start after, not %s', p_after);
  END IF;
  v_cron := internal.cron_parse(p_expr);

  BEGIN
    v_local := p_after AT TIME ZONE p_tz;
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('unknown time zone "%s"', p_tz),
      HINT = 'Use an IANA name such as Europe/London or America/New_York (see pg_timezone_names).';
  END;
  RETURN internal.cron_next_parsed(v_cron, p_tz, p_after);
END
$fn$;

COMMENT ON FUNCTION api.cron_next(text, text, timestamptz) IS
  'Earliest run strictly after p_after of a five-field cron expression (or @daily-style macro) read on the wall clock of IANA zone p_tz. Day-of-month and day-of-week: both must match when either starts with *, else either may. A wall time skipped by a spring-forward change runs once, at wall AT TIME ZONE p_tz; one repeated by a fall-back runs at its first occurrence, and also at its second when the hour field starts with *. Raises 22023 (bad expression, naming the field; an expression no date satisfies; unknown time zone; infinite p_after), 22004 (NULL argument).';
REVOKE ALL ON FUNCTION api.cron_next(text, text, timestamptz) FROM PUBLIC;
