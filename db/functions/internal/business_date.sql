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
   * The venue's trading day d is the span of instants from
   * (d + trading_day_starts) AT TIME ZONE tz to the next day's: with 06:00,
   * Sunday 01:30 local belongs to Saturday. The local date of p_at is d or
   * d + 1; comparing p_at with that date's start instant (rather than
   * subtracting trading_day_starts from the local time) gives the same
   * answer as the ranges the aggregation reads, even when the day starts
   * inside an hour that a clock change skips or repeats.
   */
  SELECT CASE
           WHEN p_at >= ((p_at AT TIME ZONE p_timezone)::date + p_trading_day_starts) AT TIME ZONE p_timezone
           THEN (p_at AT TIME ZONE p_timezone)::date
           ELSE (p_at AT TIME ZONE p_timezone)::date - 1
         END
$fn$;

COMMENT ON FUNCTION internal.business_date(timestamptz, text, time) IS
  'The trading day (business_date) an instant belongs to at a venue: the day whose span [day + trading_day_starts, next day + trading_day_starts) in the venue''s time zone contains it.';
REVOKE ALL ON FUNCTION internal.business_date(timestamptz, text, time) FROM PUBLIC;
