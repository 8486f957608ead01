-- internal.hour_bucket(at): the start of the real-time hour an instant falls in.
CREATE OR REPLACE FUNCTION internal.hour_bucket(p_at timestamptz)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /*
   * Hours are cut on UTC hour boundaries, whatever the session's TimeZone:
   * for whole-hour zones these are the venue's clock hours, and the autumn
   * change's repeated hour stays two hours instead of merging into one.
   */
  SELECT date_trunc('hour', p_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
$fn$;

COMMENT ON FUNCTION internal.hour_bucket(timestamptz) IS
  'Start of the hour (UTC-aligned, real time) containing p_at: the key of reporting.hourly_aggregations.';
REVOKE ALL ON FUNCTION internal.hour_bucket(timestamptz) FROM PUBLIC;
