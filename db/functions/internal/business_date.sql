-- internal.business_date(at, timezone, trading_day_starts): the trading day of an instant.
CREATE OR REPLACE FUNCTION internal.business_date(
  p_at                 timestamptz,
  p_timezone           text,
  p_trading_day_starts time
)
RETURNS date
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /*
   * The venue's trading day: the local date of p_at in p_timezone, less
   * trading_day_starts. With 06:00, Sunday 01:30 local belongs to Saturday.
   * Works on local wall time, so DST days simply have 23 or 25 hours.
   */
  SELECT ((p_at AT TIME ZONE p_timezone) - p_trading_day_starts::interval)::date
$fn$;

COMMENT ON FUNCTION internal.business_date(timestamptz, text, time) IS
  'The trading day (business_date) an instant belongs to at a venue: local date in its time zone, shifted back by its trading_day_starts.';
REVOKE ALL ON FUNCTION internal.business_date(timestamptz, text, time) FROM PUBLIC;
