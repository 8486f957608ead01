-- internal.report_period(period_kind, at, timezone, trading_day_starts): the last complete period at an instant.
CREATE OR REPLACE FUNCTION internal.report_period(
  p_period_kind        text,
  p_at                 timestamptz,
  p_timezone           text,
  p_trading_day_starts time DEFAULT '06:00'
)
RETURNS TABLE (period_start date, period_end date)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * What a scheduled report run at p_at reports on: the last period of
   * trading days that had closed by then, on the venue's clock. The trading
   * day current at p_at is b (the local date, less one day before
   * trading_day_starts); then
   *   trading_day: b - 1 (the 22:00 Daily Summary on Saturday is Friday's
   *                night, closed at 06:00 on Saturday);
   *   week:        the Monday-Sunday before the week holding b;
   *   month:       the calendar month before the one holding b.
   */
  WITH b AS (
    SELECT ((p_at AT TIME ZONE p_timezone) - p_trading_day_starts::interval)::date AS today
  )
  SELECT CASE p_period_kind
           WHEN 'trading_day' THEN b.today - 1
           WHEN 'week' THEN date_trunc('week', b.today)::date - 7
           WHEN 'month' THEN (date_trunc('month', b.today) - interval '1 month')::date END,
         CASE p_period_kind
           WHEN 'trading_day' THEN b.today - 1
           WHEN 'week' THEN date_trunc('week', b.today)::date - 1
           WHEN 'month' THEN date_trunc('month', b.today)::date - 1 END
    FROM b
$fn$;

COMMENT ON FUNCTION internal.report_period(text, timestamptz, text, time) IS
  'The last complete trading day, Monday-Sunday week or calendar month of trading days at an instant, on a venue''s clock (time zone and trading-day start).';
REVOKE ALL ON FUNCTION internal.report_period(text, timestamptz, text, time) FROM PUBLIC;
