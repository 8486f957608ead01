-- internal.hour_bucket(at, timezone): the instant the local clock hour containing `at` began.
CREATE OR REPLACE FUNCTION internal.hour_bucket(p_at timestamptz, p_timezone text)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /*
   * p_at less the minutes and seconds it is past the hour on the venue's
   * clock. Working back from the instant (not converting a truncated local
   * time back to an instant) keeps the autumn change's repeated hour as two
   * distinct hours, and aligns buckets to local hours in half-hour zones too,
   * so an hour never straddles two trading days.
   */
  SELECT p_at - ((p_at AT TIME ZONE p_timezone) - date_trunc('hour', p_at AT TIME ZONE p_timezone))
$fn$;

COMMENT ON FUNCTION internal.hour_bucket(timestamptz, text) IS
  'Start (as an instant) of the venue-local clock hour containing p_at: the key of reporting.hourly_aggregations.';
REVOKE ALL ON FUNCTION internal.hour_bucket(timestamptz, text) FROM PUBLIC;
