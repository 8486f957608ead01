-- internal.report_job_period(organization, period_kind, scheduled_for, filters): what a report job's run reports on.
CREATE OR REPLACE FUNCTION internal.report_job_period(
  p_organization_id uuid,
  p_period_kind     text,
  p_scheduled_for   timestamptz,
  p_filters         jsonb
)
RETURNS TABLE (period_start date, period_end date)
LANGUAGE sql
STABLE
AS $fn$
  /*
   * The period (internal.report_period) closed at the run's scheduled
   * instant on the venue's own clock: its time zone and trading-day start,
   * for the filtered venue, else for the organization's venue whose trading
   * day closes last (so an organization-wide report never covers a day one
   * of its venues is still trading). A subscriber's own zone only decides
   * when the run happens, never which trading day it reports: a Tokyo
   * subscriber's 09:00 run reports the last day the London club has closed.
   */
  SELECT p.period_start, p.period_end
    FROM (SELECT v.timezone, v.trading_day_starts
            FROM venue.venues v
           WHERE v.organization_id = p_organization_id
             AND (NOT coalesce(p_filters, '{}') ? 'venue_id' OR v.venue_id = (p_filters ->> 'venue_id')::bigint)
           ORDER BY (p_scheduled_for AT TIME ZONE v.timezone) - v.trading_day_starts::interval, v.venue_id
           LIMIT 1) v
   CROSS JOIN LATERAL internal.report_period(p_period_kind, p_scheduled_for, v.timezone, v.trading_day_starts) p
$fn$;

COMMENT ON FUNCTION internal.report_job_period(uuid, text, timestamptz, jsonb) IS
  'The period a report job''s run covers: the last period closed at its scheduled time on the (filtered, else latest-closing) venue''s clock.';
REVOKE ALL ON FUNCTION internal.report_job_period(uuid, text, timestamptz, jsonb) FROM PUBLIC;
